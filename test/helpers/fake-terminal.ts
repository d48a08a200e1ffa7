import type { Terminal } from '../../emulator/session.js';

/**
 * A Terminal that keeps what a session writes, for unit tests that drive a
 * personality line by line or key by key without any front-end. It records
 * the echo switch and the close reason; a write after close throws (the
 * session must be silent once it closed the line) unless the test asked to
 * count such writes instead and assert on the count.
 */
export class FakeTerminal implements Terminal {
  /** Everything written, in order. */
  all = '';
  /** Written since the last take(). */
  private fresh = '';
  secret = false;
  /** Every setSecret call, in order. */
  readonly secretCalls: boolean[] = [];
  closedWith: string | null = null;
  writesAfterClose = 0;
  /** The session muted the line (hang-after-login): later writes are dropped, as a front-end drops them. */
  muted = false;

  constructor(
    readonly origin = 'test 127.0.0.1:4000',
    private readonly opts: { countWritesAfterClose?: boolean } = {},
  ) {}

  write(text: string): void {
    if (this.muted) return;
    if (this.closedWith !== null) {
      if (!this.opts.countWritesAfterClose) throw new Error(`write after close: ${JSON.stringify(text)}`);
      this.writesAfterClose++;
    }
    this.all += text;
    this.fresh += text;
  }

  setSecret(on: boolean): void {
    this.secret = on;
    this.secretCalls.push(on);
  }

  close(reason: string): void {
    this.closedWith = reason;
  }

  mute(): void {
    this.muted = true;
  }

  /** What was written since the last call. */
  take(): string {
    const t = this.fresh;
    this.fresh = '';
    return t;
  }
}
