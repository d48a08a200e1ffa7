import { LineAssembler } from '../../src/line-assembler.js';
import { type ByteSession, isByteSession, type LineSession, type SessionFactory, type Terminal } from '../session.js';

/**
 * What every byte-stream front-end does between its transport and a session:
 * assemble lines and echo what the user types (never a password) for a line
 * session, pass bytes straight to a keystroke session, and keep the idle
 * timer. Telnet, serial and SSH differ only in how bytes travel.
 */
export interface LineChannelOptions {
  origin: string;
  /** Write text to the line (the transport encodes it). */
  write(text: string): void;
  /** The session ended the connection. */
  hangUp(reason: string): void;
  makeSession: SessionFactory;
  /** Seconds without input before the session is dropped; read at each reset. */
  idleTimeoutSeconds: () => number;
  maxLineLength?: number;
}

export class LineChannel {
  private readonly assembler: LineAssembler;
  private session: LineSession | ByteSession | null = null;
  private idleTimer: NodeJS.Timeout | undefined;
  private ended = false;

  constructor(private readonly opts: LineChannelOptions) {
    this.assembler = new LineAssembler({
      maxLength: opts.maxLineLength ?? 256,
      line: (text, truncated) => {
        const session = this.session;
        if (session && !isByteSession(session)) session.input(text, truncated);
      },
      echo: (text) => this.opts.write(text),
    });
  }

  /** Whether the transport should echo typed characters (the telnet client asked us to). */
  set echo(on: boolean) {
    this.assembler.echoEnabled = on;
  }

  get active(): boolean {
    return this.session !== null;
  }

  /** Start a session on this line. */
  open(): void {
    if (this.ended || this.session) return;
    const terminal: Terminal = {
      origin: this.opts.origin,
      write: (text) => {
        if (this.session !== session) return;
        this.opts.write(text);
        this.touch();
      },
      setSecret: (on) => {
        if (this.session === session) this.assembler.secret = on;
      },
      close: (reason) => {
        if (this.session !== session) return;
        this.closeSession();
        this.opts.hangUp(reason);
      },
    };
    const session = this.opts.makeSession(terminal);
    this.session = session;
    this.assembler.reset();
    this.assembler.secret = false;
    this.touch();
    session.start();
  }

  feed(bytes: Uint8Array): void {
    if (this.ended) return;
    this.touch();
    const session = this.session;
    // A keystroke menu reads the bytes itself; a line menu gets whole lines.
    if (session && isByteSession(session)) session.input(bytes);
    else this.assembler.feed(bytes);
  }

  /** The transport is gone (or is being shut): end the session quietly. */
  end(): void {
    this.ended = true;
    this.closeSession();
  }

  /** End the current session but keep the line (a serial port waits for the next user). */
  closeSession(): void {
    clearTimeout(this.idleTimer);
    const session = this.session;
    this.session = null;
    session?.end();
  }

  private touch(): void {
    clearTimeout(this.idleTimer);
    if (!this.session) return;
    const seconds = this.opts.idleTimeoutSeconds();
    if (seconds <= 0) return;
    this.idleTimer = setTimeout(() => {
      if (!this.session) return;
      // A long boot sequence is not idleness: wait for it to end.
      if (this.session.busy) return this.touch();
      this.opts.write('\r\n');
      this.closeSession();
      this.opts.hangUp('idle timeout');
    }, seconds * 1000);
    this.idleTimer.unref();
  }
}
