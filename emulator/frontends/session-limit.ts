/**
 * How many sessions a unit takes at once, shared by all its network
 * front-ends (a management card counts telnet and SSH together).
 */
export class SessionLimit {
  private open = 0;

  constructor(readonly max: number) {}

  /** Take a place; false when the unit is full. */
  tryAcquire(): boolean {
    if (this.open >= this.max) return false;
    this.open++;
    return true;
  }

  release(): void {
    if (this.open > 0) this.open--;
  }

  get inUse(): number {
    return this.open;
  }
}
