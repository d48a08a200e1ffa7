/**
 * Turns the bytes a person or a script types into lines, as a terminal device
 * reads them. CR LF, CR NUL, a bare CR and a bare LF each end one line; the LF
 * or NUL after a CR belongs to that CR even when it arrives in a later chunk.
 * Backspace and DEL edit the line. A line longer than `maxLength` is cut, and
 * flagged, rather than allowed to grow without bound.
 *
 * Echo is the caller's choice per byte (`echo` callback); no echo is ever made
 * while `secret` is set, so a password never comes back on the wire.
 */
export interface LineAssemblerOptions {
  maxLength?: number;
  /** Called with each completed line (latin1), and whether it was cut. */
  line(text: string, truncated: boolean): void;
  /** Called with the bytes to echo, when echo is wanted. */
  echo?(text: string): void;
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
  private readonly maxLength: number;
  /** Echo typed characters back (the server does it when the client asked it to). */
  echoEnabled = false;
  /** The line being typed is a password: echo nothing. */
  secret = false;

  constructor(private readonly opts: LineAssemblerOptions) {
    this.maxLength = opts.maxLength ?? 256;
  }

  feed(bytes: Uint8Array): void {
    let echo = '';
    for (const byte of bytes) {
      if (this.afterCr) {
        this.afterCr = false;
        if (byte === LF || byte === NUL) continue;
      }
      if (byte === CR || byte === LF) {
        this.afterCr = byte === CR;
        if (this.wantEcho()) echo += '\r\n';
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
      if (byte < 0x20 && byte !== TAB) continue;
      if (this.buffer.length >= this.maxLength) {
        this.truncated = true;
        continue;
      }
      this.buffer.push(byte);
      if (this.wantEcho()) echo += String.fromCharCode(byte);
    }
    this.flushEcho(echo);
  }

  /** Drop a half-typed line (the session was reset). */
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
