import type { FaultSet } from './stream-faults.js';

/**
 * How many sessions a unit takes at once, shared by all its network
 * front-ends (a management card counts telnet and SSH together). The `busy`
 * fault makes every place look taken: each front-end then gives the answer it
 * gives a full unit (telnet: accepted and closed; SSH: its busy message).
 */
export class SessionLimit {
  private open = 0;

  constructor(
    readonly max: number,
    /** The device's faults in force, read at each new session (none: no faults). */
    private readonly faults?: FaultSet,
  ) {}

  /** Take a place; false when the unit is full (or the busy fault says so). */
  tryAcquire(): boolean {
    return this.acquire() === null;
  }

  /** Take a place: null when one was taken, else why not, for the 'refused' event. */
  acquire(): string | null {
    if (this.faults?.has('busy')) return 'fault: busy';
    if (this.open >= this.max) return 'another session is open';
    this.open++;
    return null;
  }

  release(): void {
    if (this.open > 0) this.open--;
  }

  get inUse(): number {
    return this.open;
  }
}
