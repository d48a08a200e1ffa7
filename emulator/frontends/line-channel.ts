import { LineAssembler } from '../../src/line-assembler.js';
import type { OutputClock } from '../fault-effects.js';
import { type ByteSession, isByteSession, type LineSession, type SessionFactory, type Terminal } from '../session.js';
import { type FaultSet, StreamOutput } from './stream-faults.js';

/**
 * What every byte-stream front-end does between its transport and a session:
 * assemble lines and echo what the user types (never a password) for a line
 * session, pass bytes straight to a keystroke session, and keep the idle
 * timer. Telnet, serial and SSH differ only in how bytes travel. The faults
 * that show the same on any byte stream (hang, slow, garbled) are applied
 * here, through stream-faults.ts, for all three.
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
  /** The device's faults in force, read at each connection, line and write (none: no faults). */
  faults?: FaultSet;
  /** The clock slow output waits on (tests). */
  clock?: OutputClock;
}

const NO_FAULTS: FaultSet = new Set();

export class LineChannel {
  private readonly assembler: LineAssembler;
  private session: LineSession | ByteSession | null = null;
  private idleTimer: NodeJS.Timeout | undefined;
  private ended = false;
  /** The unit was hung when this connection came: it gets no session (a serial line: until the next wake). */
  private hungAtOpen = false;
  /** hang-after-login: this session has stopped answering for good. */
  private muted = false;
  private readonly faults: FaultSet;
  private readonly output: StreamOutput;

  constructor(private readonly opts: LineChannelOptions) {
    this.faults = opts.faults ?? NO_FAULTS;
    this.output = new StreamOutput(this.faults, (text) => this.opts.write(text), opts.clock);
    this.assembler = new LineAssembler({
      maxLength: opts.maxLineLength ?? 256,
      line: (text, truncated) => {
        const session = this.session;
        if (session && !isByteSession(session)) session.input(text, truncated);
      },
      echo: (text) => this.out(text),
    });
  }

  /** Whether the transport should echo typed characters (the telnet client asked us to). */
  set echo(on: boolean) {
    this.assembler.echoEnabled = on;
  }

  get active(): boolean {
    return this.session !== null;
  }

  /** Start a session on this line; on a hung unit, none (the line stays silent). */
  open(): void {
    if (this.ended || this.session) return;
    this.hungAtOpen = this.faults.has('hang');
    if (this.hungAtOpen) return;
    this.muted = false;
    const terminal: Terminal = {
      origin: this.opts.origin,
      write: (text) => {
        if (this.session !== session) return;
        this.out(text);
        this.touch();
      },
      setSecret: (on) => {
        if (this.session === session) this.assembler.secret = on;
      },
      close: (reason) => {
        if (this.session !== session) return;
        this.closeSession();
        this.output.after(() => this.opts.hangUp(reason));
      },
      mute: () => {
        if (this.session === session) this.muted = true;
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
    // A hung unit reads nothing: what is typed meanwhile is lost, as on the real line.
    if (this.hungAtOpen || this.muted || this.output.hung) return;
    const session = this.session;
    // A keystroke menu reads the bytes itself; a line menu gets whole lines.
    if (session && isByteSession(session)) session.input(bytes);
    else this.assembler.feed(bytes);
  }

  /** The transport is gone (or is being shut): end the session quietly. */
  end(): void {
    this.ended = true;
    this.output.clear();
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
      this.out('\r\n');
      this.closeSession();
      this.output.after(() => this.opts.hangUp('idle timeout'));
    }, seconds * 1000);
    this.idleTimer.unref();
  }

  /** Output of the session or its echo, through the output faults; nothing once the session is muted. */
  private out(text: string): void {
    if (!this.muted) this.output.write(text);
  }
}
