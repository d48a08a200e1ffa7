import { realScheduler, type Scheduler } from '../model/scheduler.js';
import { ILO_FAULT_ALIASES, type IloFault } from './generations.js';

/**
 * The iLO's fault switches and the two output faults every protocol shows
 * alike (`slow`, `garbled`). The lab adds and removes names while the unit
 * runs; each front-end reads the set at each connection, request or reply,
 * so a change takes effect on the next one. What each protocol's client sees
 * is in docs/ilo.md §6.2.
 */

/** A set of faults that files an older name under the current one (`stuck-power` → `stuck-relay`). */
export class IloFaultSet extends Set<IloFault> {
  override add(fault: IloFault): this {
    return super.add(canonical(fault));
  }

  override has(fault: IloFault): boolean {
    return super.has(canonical(fault));
  }

  override delete(fault: IloFault): boolean {
    return super.delete(canonical(fault));
  }
}

function canonical(fault: IloFault): IloFault {
  return ILO_FAULT_ALIASES[fault] ?? fault;
}

/** How late a slow board answers. */
export const SLOW_MS = 2000;

/** No letter, digit, `<`, `>`, quote, brace or colon: no XML tag, JSON value or prompt can be read from it. */
const NOISE = '#%&*+=?@^_~|!';

/**
 * Line noise of the same length in place of `text`: each printable ASCII
 * character becomes one of NOISE, chosen by the character and its place.
 * Line ends and blanks stay, so a client still sees lines arrive; anything
 * else (UTF-8 included) becomes noise too, so the result is ASCII.
 */
export function garble(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    out += c === 0x0a || c === 0x0d || c === 0x20 || c === 0x09 ? text[i] : NOISE[(c * 7 + i) % NOISE.length];
  }
  return out;
}

/** A reply as the faults have it: garbled while `garbled` is on. */
export function corrupt(faults: ReadonlySet<IloFault>, text: string): string {
  return faults.has('garbled') ? garble(text) : text;
}

/** The clock the output waits on: a scheduler, and the time now in ms. */
export interface OutputClock extends Scheduler {
  now(): number;
}

export const realClock: OutputClock = { ...realScheduler, now: () => Date.now() };

/**
 * Replies on their way out, `SLOW_MS` late while `slow` is on, always in the
 * order they were given: one given while the board was slow holds back those
 * given after it, however they were given. Read at each `send`, so turning
 * `slow` off does not hurry what is already waiting.
 */
export class PacedOutput {
  private readonly queue: { at: number; run: () => void }[] = [];
  private timer: unknown = null;

  constructor(
    private readonly faults: ReadonlySet<IloFault>,
    private readonly clock: OutputClock = realClock,
  ) {}

  /** Run `deliver` now, or when the board's answer is due. */
  send(deliver: () => void): void {
    const at = this.clock.now() + (this.faults.has('slow') ? SLOW_MS : 0);
    if (this.queue.length === 0 && at <= this.clock.now()) return deliver();
    this.queue.push({ at, run: deliver });
    this.arm();
  }

  /** The connection is gone: nothing more goes out. */
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
        while (this.queue.length > 0 && (this.queue[0] as { at: number }).at <= this.clock.now()) {
          (this.queue.shift() as { run: () => void }).run();
        }
        this.arm();
      },
      Math.max(0, head.at - this.clock.now()),
    );
  }
}
