import { ConnectionError, TimeoutError } from '../errors.js';
import { TelnetClientSide } from '../telnet/client-side.js';
import { type ByteStream, type ByteStreamHandlers, StreamInbox } from './byte-stream.js';

/** A telnet connection as a byte stream: negotiation handled, data unescaped. */
export interface TelnetConnectOptions {
  host: string;
  port: number;
  timeoutMs: number;
  signal?: AbortSignal;
}

export async function connectTelnet(opts: TelnetConnectOptions): Promise<ByteStream> {
  // node:net is loaded on the first connection, not with the module: it is most of
  // what importing `fencekit/wti` would otherwise cost a program that starts up to fence.
  const { connect } = await import('node:net');
  return new Promise((resolve, reject) => {
    const description = `telnet ${opts.host}:${opts.port}`;
    const socket = connect({ host: opts.host, port: opts.port });
    const inbox = new StreamInbox();
    const telnet = new TelnetClientSide({
      send: (bytes) => {
        if (!socket.destroyed) socket.write(bytes);
      },
      data: (bytes) => inbox.data(bytes),
    });
    let settled = false;
    const fail = (err: Error) => {
      if (settled) return;
      settled = true;
      cleanup();
      socket.destroy();
      reject(err);
    };
    const onAbort = () => fail(new ConnectionError(`connecting to ${description} was aborted`));
    const timer = setTimeout(
      () => fail(new TimeoutError('connect', `no connection to ${description} within ${opts.timeoutMs} ms`)),
      opts.timeoutMs,
    );
    const cleanup = () => {
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
    };
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    // A signal that fired before we got here sends no event.
    if (opts.signal?.aborted) onAbort();
    socket.setNoDelay(true);
    socket.on('data', (chunk) => telnet.codec.feed(chunk));
    socket.on('error', (err) => {
      if (!settled) fail(new ConnectionError(`cannot connect to ${description}: ${err.message}`, { cause: err }));
      else inbox.end(new ConnectionError(`${description}: ${err.message}`, { cause: err }));
    });
    socket.on('close', () => inbox.end());
    socket.once('connect', () => {
      if (settled) return;
      settled = true;
      cleanup();
      resolve({
        description,
        write: (bytes) => {
          if (!socket.destroyed) socket.write(telnet.codec.encode(bytes));
        },
        attach: (handlers: ByteStreamHandlers) => inbox.attach(handlers),
        close: () =>
          new Promise<void>((done) => {
            if (socket.destroyed) return done();
            socket.once('close', () => done());
            socket.end();
            // A peer that never closes its side must not hold us.
            setTimeout(() => socket.destroy(), 500).unref();
          }),
      });
    });
  });
}
