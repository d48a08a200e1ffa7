import type { LabEvent } from './types.js';

/** A LabEvent before the stream gives it its id and time. */
export type LabEventBody = LabEvent extends infer E ? (E extends LabEvent ? Omit<E, 'id' | 'time'> : never) : never;

/** How many events a late reader (an SSE client's Last-Event-ID) can still catch up on. */
export const KEEP_EVENTS = 1000;

/**
 * The lab's one stream of events: every unit's, the loads', the faults' and
 * the lab's own, each with an id one above the last (the SSE id). The last
 * 1000 are kept for `since`. A listener that throws is dropped from that
 * event only; the others still hear it.
 */
export class LabEventStream {
  private readonly kept: LabEvent[] = [];
  private readonly listeners = new Set<(e: LabEvent) => void>();
  private lastId = 0;

  emit(body: LabEventBody): LabEvent {
    const event = { ...body, id: ++this.lastId, time: new Date().toISOString() } as LabEvent;
    this.kept.push(event);
    if (this.kept.length > KEEP_EVENTS) this.kept.shift();
    for (const fn of this.listeners) {
      try {
        fn(event);
      } catch {
        // one reader's bug must not stop the lab or the other readers
      }
    }
    return event;
  }

  subscribe(fn: (e: LabEvent) => void): () => void {
    this.listeners.add(fn);
    return () => {
      this.listeners.delete(fn);
    };
  }

  /** The kept events after `id` (0: all of them), oldest first. */
  since(id: number): LabEvent[] {
    const first = this.kept.findIndex((e) => e.id > id);
    return first < 0 ? [] : this.kept.slice(first);
  }

  /** The id of the newest event (0 before any). */
  get last(): number {
    return this.lastId;
  }
}
