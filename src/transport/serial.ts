import { ConnectionError } from '../errors.js';
import { type ByteStream, type ByteStreamHandlers, StreamInbox } from './byte-stream.js';

/** A serial line as a byte stream (serialport 13, loaded only when a serial line is used). */
export interface SerialOptions {
  path: string;
  baudRate?: number;
  dataBits?: 5 | 6 | 7 | 8;
  parity?: 'none' | 'even' | 'odd';
  stopBits?: 1 | 2;
}

/** `/dev/ttyS0` or `/dev/ttyS0@9600`. */
export function parseSerialSpec(spec: string): SerialOptions {
  const m = /^(.+?)(?:@(\d+))?$/.exec(spec);
  return { path: m?.[1] ?? spec, baudRate: m?.[2] ? Number(m[2]) : undefined };
}

export async function openSerial(opts: SerialOptions): Promise<ByteStream> {
  const { SerialPort } = await import('serialport');
  const baudRate = opts.baudRate ?? 9600;
  const description = `serial ${opts.path}@${baudRate}`;
  const port = new SerialPort({
    path: opts.path,
    baudRate,
    dataBits: opts.dataBits ?? 8,
    parity: opts.parity ?? 'none',
    stopBits: opts.stopBits ?? 1,
    autoOpen: false,
  });
  await new Promise<void>((resolve, reject) =>
    port.open((err) =>
      err ? reject(new ConnectionError(`cannot open ${description}: ${err.message}`, { cause: err })) : resolve(),
    ),
  );
  const inbox = new StreamInbox();
  port.on('data', (chunk: Buffer) => inbox.data(chunk));
  port.on('error', (err: Error) => inbox.end(new ConnectionError(`${description}: ${err.message}`, { cause: err })));
  port.on('close', () => inbox.end());
  return {
    description,
    write: (bytes) => {
      if (port.isOpen) port.write(Buffer.from(bytes));
    },
    attach: (handlers: ByteStreamHandlers) => inbox.attach(handlers),
    close: () =>
      new Promise<void>((resolve) => {
        if (!port.isOpen) return resolve();
        port.drain(() => port.close(() => resolve()));
      }),
  };
}
