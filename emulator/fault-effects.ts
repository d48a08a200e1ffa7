import { realScheduler, type Scheduler } from './model/scheduler.js';

/**
 * What `slow` and `garbled` (emulator/faults.ts) do to a unit's output, once
 * for every front-end: the menus' byte streams (frontends/stream-faults.ts)
 * and the iLO's RIBCL, Redfish and SMASH replies (emulator/ilo/). Each
 * front-end decides what it garbles (an HTTP reply keeps its status line and
 * chunk framing) and what it paces; the effect itself is the same everywhere.
 * The fault set is read at each reply, so a fault switched while the unit
 * runs takes effect on the next one.
 */

/** How late a slow unit answers. */
export const SLOW_MS = 2000;

/** No letter, digit, `<`, `>`, `:`, `-`, `$`, quote or brace: no prompt, XML tag or JSON value can be read from it. */
const NOISE = '#%&*+=?@^_~|!';

/**
 * Line noise of the same length in place of `text`: each printable character
 * becomes one of NOISE, picked from the character and its place so repeated
 * letters differ. Line ends, blanks and other control characters stay, so a
 * client still sees lines arrive; anything beyond ASCII becomes noise too, so
 * the result is ASCII and a client decoding UTF-8 (pexpect, fence_redfish)
 * reads it without error and simply never finds what it waits for.
 */
export function garble(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    out += c <= 0x20 ? text[i] : NOISE[(c * 7 + i) % NOISE.length];
  }
  return out;
}

/** `text` as the faults have it: garbled while `garbled` is on. */
export function corrupt(faults: ReadonlySet<string>, text: string): string {
  return faults.has('garbled') ? garble(text) : text;
}

/** The clock slow output waits on: a scheduler, and the time now in ms (tests give a manual one). */
export interface OutputClock extends Scheduler {
  now(): number;
}

export const realClock: OutputClock = { ...realScheduler, now: () => Date.now() };

/**
 * Replies on their way out, `SLOW_MS` late while `slow` is on, always in the
 * order they were given: one given while the unit was slow holds back those
 * given after it, and so does a hang-up sent after the last words. `slow` is
 * read at each `send`, so turning it off does not hurry what already waits.
 */
export class PacedOutput {
  private readonly queue: { at: number; run: () => void }[] = [];
  private timer: unknown = null;

  constructor(
    private readonly faults: ReadonlySet<string>,
    private readonly clock: OutputClock = realClock,
  ) {}

  /** Run `deliver` now, or when the unit's answer is due. */
  send(deliver: () => void): void {
    const delay = this.faults.has('slow') ? SLOW_MS : 0;
    if (delay === 0 && this.queue.length === 0) return deliver();
    this.queue.push({ at: this.clock.now() + delay, run: deliver });
    this.arm();
  }

  /** The connection is gone: drop what is still waiting. */
  clear(): void {
    this.queue.length = 0;
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
  }

  private arm(): void {
    const head = this.queue[0];
    if (this.timer !== null || head === undefined) return;
    this.timer = this.clock.setTimeout(
      () => {
        this.timer = null;
        const now = this.clock.now();
        // The head is due; what follows it goes too if it is due, however it was queued.
        while (this.queue.length > 0 && (this.queue[0] as { at: number }).at <= now) {
          (this.queue.shift() as { run: () => void }).run();
        }
        this.arm();
      },
      Math.max(0, head.at - this.clock.now()),
    );
  }
}
