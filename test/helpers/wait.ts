import type { EventBus, Timestamped } from '../../emulator/events.js';

/**
 * Waits on a condition or an event instead of a fixed sleep: a test that
 * sleeps either wastes time or, on a loaded machine, looks too early. Every
 * wait has a deadline and says what it waited for when it gives up.
 */
export interface WaitOptions {
  /** What is awaited, for the error when it never happens. */
  what: string;
  /** Default 10 s: generous, as it only bounds a wait that normally ends at once. */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 10_000;
/** Between two looks at a polled condition: short, as it only costs a predicate call. */
const POLL_MS = 10;

export class WaitTimeout extends Error {
  constructor(what: string, timeoutMs: number) {
    super(`gave up after ${timeoutMs} ms waiting for ${what}`);
    this.name = 'WaitTimeout';
  }
}

/**
 * Resolve with the first truthy value `condition` returns, looking on every
 * turn of the event loop (and every 10 ms at most). Use it where no event
 * tells of the change (a plug's state, a file appearing); prefer `untilEvent`
 * when the emulator reports it.
 */
export async function waitFor<T>(
  condition: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  opts: WaitOptions,
): Promise<T> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await condition();
    if (value) return value;
    if (Date.now() >= deadline) throw new WaitTimeout(opts.what, timeoutMs);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/** What `untilEvent` needs of a running unit: its bus and the events seen so far. */
export interface EventSource {
  bus: EventBus;
  events: Timestamped[];
}

/**
 * The `count`-th event since index `since` of `source.events` that `match`
 * accepts: already there, or as soon as the bus reports it.
 */
export function untilEvent(
  source: EventSource,
  match: (e: Timestamped) => boolean,
  opts: WaitOptions & { since?: number; count?: number },
): Promise<Timestamped> {
  const count = opts.count ?? 1;
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const seen = source.events.slice(opts.since ?? 0).filter(match);
  const found = seen[count - 1];
  if (found) return Promise.resolve(found);
  let missing = count - seen.length;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      unsubscribe();
      reject(new WaitTimeout(opts.what, timeoutMs));
    }, timeoutMs);
    const unsubscribe = source.bus.subscribe((e) => {
      if (!match(e) || --missing > 0) return;
      clearTimeout(timer);
      unsubscribe();
      resolve(e);
    });
  });
}
