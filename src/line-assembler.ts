/**
 * The one keystroke/line decoder of every emulated terminal: the WTI menu,
 * the APC `apc>` command line and SMASH CLP get it through the front-ends'
 * `LineChannel`; the APC keystroke menus hold one of their own and offer it
 * each key first (`key`). It turns the bytes a person or a script types into
 * lines, as a terminal device reads them:
 *
 * - CR LF, CR NUL, a bare CR and a bare LF each end one line; the LF or NUL
 *   after a CR belongs to that CR even when it arrives in a later chunk. A NUL
 *   is never part of a line.
 * - Backspace and DEL remove the last character (echoing `\b \b`).
 * - Other control characters are dropped; so are bytes outside `charset`.
 * - A line longer than `maxLength` is cut and flagged, never allowed to grow
 *   without bound; what the session does with a cut line is its own rule.
 *
 * Echo is the caller's choice (`echoEnabled`, the `echo` callback, and what a
 * line end echoes); nothing is echoed while `secret` is set, so a password
 * never comes back on the wire. Echo is written before whatever the session
 * writes for the same keystroke.
 */
export interface LineAssemblerOptions {
  /**
   * Longest line kept, in bytes (default 256). A function is read at each
   * byte, so a session may allow a longer user name than a menu choice.
   */
  maxLength?: number | (() => number);
  /** Called with each completed line (latin1), and whether it was cut. */
  line(text: string, truncated: boolean): void;
  /** Called with the bytes to echo, when echo is wanted. */
  echo?(text: string): void;
  /** What a line end echoes (default CR LF; an APC menu echoes nothing, its next screen starts the line). */
  lineEndEcho?: string;
  /**
   * Which bytes a line may hold besides 0x20–0x7E: `latin1` (default) also
   * TAB and 0x80–0xFF; `ascii` nothing else (the APC menus).
   */
  charset?: 'latin1' | 'ascii';
  /**
   * Offered each byte (NUL aside) before line editing: a keystroke menu acts
   * on it at once (a pager's "any key", ESC, Ctrl-C) and returns true, or
   * returns false to leave it to line editing. A CR taken here still takes
   * the LF or NUL that follows it, unless that byte is taken here too.
   */
  key?(byte: number): boolean;
}

const CR = 0x0d;
const LF = 0x0a;
const NUL = 0x00;
const BS = 0x08;
const DEL = 0x7f;
const TAB = 0x09;

export class LineAssembler {
  private buffer: number[] = [];
  private truncated = false;
  private afterCr = false;
  private readonly maxLength: () => number;
  private readonly lineEndEcho: string;
  private readonly keeps: (byte: number) => boolean;
  /** Echo typed characters back (the server does it when the client asked it to). */
  echoEnabled = false;
  /** The line being typed is a password: echo nothing. */
  secret = false;

  constructor(private readonly opts: LineAssemblerOptions) {
    const max = opts.maxLength ?? 256;
    this.maxLength = typeof max === 'function' ? max : () => max;
    this.lineEndEcho = opts.lineEndEcho ?? '\r\n';
    this.keeps = opts.charset === 'ascii' ? isAscii : isLatin1;
  }

  feed(bytes: Uint8Array): void {
    let echo = '';
    for (const byte of bytes) {
      const afterCr = this.afterCr;
      this.afterCr = false;
      if (byte === NUL) continue;
      if (this.opts.key) {
        // The session may write at once: what was echoed so far goes first.
        echo = this.flushEcho(echo);
        if (this.opts.key(byte)) {
          this.afterCr = byte === CR;
          continue;
        }
      }
      if (afterCr && byte === LF) continue;
      if (byte === CR || byte === LF) {
        this.afterCr = byte === CR;
        if (this.wantEcho()) echo += this.lineEndEcho;
        echo = this.flushEcho(echo);
        this.complete();
        continue;
      }
      if (byte === BS || byte === DEL) {
        if (this.buffer.length > 0) {
          this.buffer.pop();
          if (this.wantEcho()) echo += '\b \b';
        }
        continue;
      }
      if (!this.keeps(byte)) continue;
      if (this.buffer.length >= this.maxLength()) {
        this.truncated = true;
        continue;
      }
      this.buffer.push(byte);
      if (this.wantEcho()) echo += String.fromCharCode(byte);
    }
    this.flushEcho(echo);
  }

  /** Drop a half-typed line (the session was reset, or a key abandoned it). */
  reset(): void {
    this.buffer = [];
    this.truncated = false;
  }

  private wantEcho(): boolean {
    return this.echoEnabled && !this.secret && this.opts.echo !== undefined;
  }

  private flushEcho(echo: string): string {
    if (echo) this.opts.echo?.(echo);
    return '';
  }

  private complete(): void {
    const text = Buffer.from(this.buffer).toString('latin1');
    const truncated = this.truncated;
    this.reset();
    this.opts.line(text, truncated);
  }
}

function isAscii(byte: number): boolean {
  return byte >= 0x20 && byte < 0x7f;
}

function isLatin1(byte: number): boolean {
  return isAscii(byte) || byte === TAB || byte >= 0x80;
}
