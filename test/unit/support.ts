import type { Scheduler } from '../../emulator/model/scheduler.js';

/**
 * Helpers shared by the unit tests: a scheduler whose clock only moves when a
 * test says so, and a seeded random source so "random" chunk splits are the
 * same on every run.
 */
interface Task {
  at: number;
  seq: number;
  fn: () => void;
}

export class ManualScheduler implements Scheduler {
  now = 0;
  private seq = 0;
  private readonly tasks = new Map<number, Task>();

  setTimeout(fn: () => void, ms: number): unknown {
    const id = ++this.seq;
    this.tasks.set(id, { at: this.now + Math.max(0, ms), seq: id, fn });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.tasks.delete(handle as number);
  }

  /** Timers still waiting to fire. */
  get pending(): number {
    return this.tasks.size;
  }

  /** Move the clock forward, firing every timer that falls due, in time order. */
  advance(ms: number): void {
    const end = this.now + ms;
    for (;;) {
      let next: [number, Task] | undefined;
      for (const entry of this.tasks) {
        const [, t] = entry;
        if (t.at > end) continue;
        if (!next || t.at < next[1].at || (t.at === next[1].at && t.seq < next[1].seq)) next = entry;
      }
      if (!next) break;
      this.tasks.delete(next[0]);
      this.now = next[1].at;
      next[1].fn();
    }
    this.now = end;
  }

  /** Fire everything, however far away. */
  runAll(): void {
    let guard = 0;
    while (this.tasks.size > 0) {
      if (++guard > 10_000) throw new Error('timers keep rescheduling themselves');
      const soonest = Math.min(...[...this.tasks.values()].map((t) => t.at));
      this.advance(soonest - this.now);
    }
  }
}

/** Let promise callbacks run (a macrotask turn drains every pending microtask). */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** mulberry32: a small seeded PRNG, so random splits are reproducible. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Cut `bytes` into pieces at random points (empty pieces included now and then). */
export function randomSplit(bytes: Uint8Array, random: () => number): Uint8Array[] {
  const pieces: Uint8Array[] = [];
  let i = 0;
  while (i < bytes.length) {
    const r = random();
    const size = r < 0.05 ? 0 : 1 + Math.floor(random() * 7);
    pieces.push(bytes.subarray(i, Math.min(bytes.length, i + size)));
    i += size;
  }
  return pieces;
}

/** Every byte on its own. */
export function byteByByte(bytes: Uint8Array): Uint8Array[] {
  return Array.from(bytes, (b) => Uint8Array.of(b));
}

/** Build a byte string from numbers, latin1 text, arrays of bytes and other byte strings. */
export function bytes(...parts: (number | string | readonly number[] | Uint8Array)[]): Uint8Array {
  const out: number[] = [];
  for (const p of parts) {
    if (typeof p === 'number') out.push(p);
    else if (typeof p === 'string') for (const c of Buffer.from(p, 'latin1')) out.push(c);
    else out.push(...p);
  }
  return Uint8Array.from(out);
}
