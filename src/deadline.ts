import { AbortedError, TimeoutError } from './errors.js';

/**
 * One time budget per operation. Each phase (connect, login, prompt, power,
 * confirm) draws from it with its own cap, and times out with its own name.
 */
export class Deadline {
  private readonly end: number;

  constructor(
    readonly totalMs: number,
    readonly signal?: AbortSignal,
  ) {
    this.end = Date.now() + totalMs;
  }

  remaining(): number {
    return Math.max(0, this.end - Date.now());
  }

  /** The time this phase may take: its cap, or what is left of the budget. */
  phase(name: string, capMs = Number.POSITIVE_INFINITY): number {
    this.throwIfAborted();
    const left = this.remaining();
    if (left <= 0) throw new TimeoutError(name, `the operation ran out of time (${this.totalMs} ms) before ${name}`);
    return Math.min(capMs, left);
  }

  throwIfAborted(): void {
    if (this.signal?.aborted) throw new AbortedError(undefined, { cause: this.signal.reason });
  }

  /** Wait, but no longer than the budget and not past an abort. */
  sleep(ms: number): Promise<void> {
    return sleep(Math.min(ms, this.remaining()), this.signal);
  }
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new AbortedError(undefined, { cause: signal.reason }));
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(new AbortedError(undefined, { cause: signal?.reason }));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
