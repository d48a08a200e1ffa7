import type { Deadline } from './deadline.js';
import { AbortedError, ConnectionError, TimeoutError } from './errors.js';
import { cutReply, REPLY_LIMIT } from './progress.js';
import { MASK, maskSecrets, type Transcript } from './transcript.js';
import type { ByteStream } from './transport/byte-stream.js';

/**
 * The send/expect engine under every text-menu driver, whatever carries the
 * bytes. `expect` waits for the first of several patterns with a timeout and
 * an AbortSignal, like a person reading a terminal; what came before the
 * match is returned as the screen.
 */
export interface ExpectResult {
  /** Which pattern matched. */
  index: number;
  match: RegExpExecArray;
  /** Everything received before the match since the last expect. */
  before: string;
}

export interface ExpectOptions {
  /** Named in the TimeoutError, e.g. "login", "prompt after /S". */
  phase: string;
  deadline: Deadline;
  /** Cap for this wait; the deadline's remainder applies when smaller. */
  timeoutMs?: number;
}

/** Unread text kept at most; a device that floods us keeps only its latest screen. */
const MAX_BUFFER = 256 * 1024;

export class Dialog {
  private buffer = '';
  private ended: Error | null = null;
  private wake: (() => void) | null = null;
  private readonly secrets: string[] = [];
  /** Whether any byte has arrived: a line closed before that is usually a busy device. */
  receivedAny = false;

  constructor(
    readonly stream: ByteStream,
    private readonly transcript?: Transcript,
  ) {
    stream.attach({
      data: (bytes) => {
        this.receivedAny = true;
        const text = Buffer.from(bytes).toString('latin1');
        this.transcript?.('received', maskSecrets(text, this.secrets));
        this.buffer += text;
        if (this.buffer.length > MAX_BUFFER) this.buffer = this.buffer.slice(-MAX_BUFFER);
        this.notify();
      },
      end: (error) => {
        this.ended = error ?? new ConnectionError(`${stream.description} closed the connection`);
        this.transcript?.('note', 'connection closed');
        this.notify();
      },
    });
  }

  get closed(): boolean {
    return this.ended !== null;
  }

  send(text: string, opts: { secret?: boolean } = {}): void {
    if (opts.secret) {
      const bare = text.replace(/[\r\n]+$/, '');
      if (bare) this.secrets.push(bare);
      this.transcript?.('sent', MASK + text.slice(bare.length));
    } else {
      this.transcript?.('sent', maskSecrets(text, this.secrets));
    }
    this.stream.write(Buffer.from(text, 'latin1'));
  }

  /** Wait for the earliest match of any pattern. */
  async expect(patterns: readonly RegExp[], opts: ExpectOptions): Promise<ExpectResult> {
    const timeoutMs = opts.deadline.phase(opts.phase, opts.timeoutMs);
    const signal = opts.deadline.signal;
    const until = Date.now() + timeoutMs;
    for (;;) {
      const found = this.search(patterns);
      if (found) return found;
      if (signal?.aborted) throw new AbortedError(undefined, { cause: signal.reason });
      if (this.ended) {
        throw new ConnectionError(`${this.stream.description} closed the connection while waiting for ${opts.phase}`, {
          cause: this.ended,
          reply: maskSecrets(this.buffer.slice(-REPLY_LIMIT), this.secrets),
        });
      }
      const left = until - Date.now();
      if (left <= 0) {
        const tail = maskSecrets(this.buffer.slice(-REPLY_LIMIT), this.secrets);
        throw new TimeoutError(
          opts.phase,
          `no answer for ${opts.phase} within ${timeoutMs} ms; last received: "${cutReply(tail)}"`,
          {
            reply: tail,
          },
        );
      }
      await this.waitForData(left, signal);
    }
  }

  /** Drop what has been received and not read yet. */
  discard(): string {
    const text = this.buffer;
    this.buffer = '';
    return text;
  }

  private search(patterns: readonly RegExp[]): ExpectResult | null {
    let best: ExpectResult | null = null;
    patterns.forEach((pattern, index) => {
      const re = new RegExp(pattern.source, pattern.flags.replace('g', ''));
      const match = re.exec(this.buffer);
      if (match && (best === null || match.index < best.match.index)) {
        best = { index, match, before: this.buffer.slice(0, match.index) };
      }
    });
    if (best) {
      const b = best as ExpectResult;
      this.buffer = this.buffer.slice(b.match.index + b.match[0].length);
    }
    return best;
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }

  private waitForData(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        this.wake = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal?.addEventListener('abort', done, { once: true });
      this.wake = done;
    });
  }
}
