import type { Duplex } from 'node:stream';
import type { EmulatorEvent } from '../events.js';
import type { SessionFactory } from '../session.js';
import { LineChannel } from './line-channel.js';
import type { FaultSet } from './stream-faults.js';

const CR = 0x0d;
const LF = 0x0a;
const NUL = 0x00;

/**
 * The RS-232 set-up port: the same menu on a serial line. There is no
 * connection to accept, so the line sleeps until someone types; the first
 * keystroke (usually Enter) wakes it and the login starts. After /X or the
 * idle timeout the line sleeps again. Serial terminals get echo, never of a password.
 * A hung unit does not wake (each keystroke tries again); slow and garbled
 * output are the line channel's. A serial line has no session limit, so the
 * busy fault leaves it alone.
 */
export interface SerialPortLike extends Duplex {
  open(callback?: (err: Error | null) => void): void;
  close(callback?: (err: Error | null) => void): void;
  readonly isOpen: boolean;
}

export interface SerialFrontendOptions {
  path: string;
  port: SerialPortLike;
  makeSession: SessionFactory;
  emit: (e: EmulatorEvent) => void;
  idleTimeoutSeconds: () => number;
  /** The device's faults in force (hang, slow, garbled and the login's). */
  faults?: FaultSet;
}

export class SerialFrontend {
  private readonly channel: LineChannel;
  private readonly origin: string;
  /** The last byte read was a CR the line assembler did not see to the end of its Enter. */
  private pendingCr = false;

  constructor(private readonly opts: SerialFrontendOptions) {
    this.origin = `serial ${opts.path}`;
    this.channel = new LineChannel({
      origin: this.origin,
      write: (text) => {
        if (this.opts.port.isOpen) this.opts.port.write(Buffer.from(text, 'latin1'));
      },
      hangUp: (reason) => this.opts.emit({ type: 'logout', origin: this.origin, reason }),
      makeSession: opts.makeSession,
      idleTimeoutSeconds: opts.idleTimeoutSeconds,
      faults: opts.faults,
    });
    this.channel.echo = true;
  }

  async open(): Promise<void> {
    const port = this.opts.port;
    if (!port.isOpen) {
      // serialport's own message reads "Error: No such file or directory, cannot open PATH":
      // say it once, naming the flag the path came from.
      await new Promise<void>((resolve, reject) =>
        port.open((err) =>
          err ? reject(new SerialOpenError(`cannot open --serial ${this.opts.path}: ${reasonOf(err)}`)) : resolve(),
        ),
      );
    }
    port.on('error', () => {});
    port.on('data', (chunk: Buffer) => {
      // An LF or NUL right after a CR belongs to that Enter, even in a later read. The line
      // assembler sees to that for the bytes it is fed; this covers the CR it never saw (the
      // one that woke the line) and the one after which the line went to sleep (/X).
      const skip = this.pendingCr && (chunk[0] === LF || chunk[0] === NUL) ? 1 : 0;
      this.pendingCr = false;
      const bytes = chunk.subarray(skip);
      if (bytes.length === 0) return;
      const endsWithCr = bytes[bytes.length - 1] === CR;
      if (this.channel.active) {
        this.channel.feed(bytes);
        this.pendingCr = endsWithCr && !this.channel.active;
        return;
      }
      // Asleep: this keystroke only wakes the line.
      this.pendingCr = endsWithCr;
      this.channel.open();
    });
    this.opts.emit({ type: 'listening', frontEnd: 'serial', address: this.opts.path });
  }

  close(): Promise<void> {
    this.channel.end();
    const port = this.opts.port;
    if (!port.isOpen) return Promise.resolve();
    return new Promise((resolve) => port.close(() => resolve()));
  }
}

/** The serial device given could not be opened (missing, busy, no permission). */
export class SerialOpenError extends Error {
  readonly code = 'ESERIALOPEN';
}

function reasonOf(err: Error): string {
  return err.message.replace(/^(Error: )+/, '').replace(/, cannot open .*$/, '');
}
