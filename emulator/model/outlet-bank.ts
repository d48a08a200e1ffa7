import type { EmulatorEvent, PlugState } from '../events.js';
import type { Scheduler } from './scheduler.js';

/**
 * The outlets of a power switch, with no I/O and no clock of its own: any
 * personality (WTI menu, APC menu, SNMP) switches them through here, and every
 * change is reported as an event. A stuck relay (the device's `stuck` answer)
 * is decided here too, for every front-end at once: each step of a switching
 * command that would move an outlet is reported as 'switch-ignored' instead,
 * at the moment it would have moved it.
 */
export interface OutletSettings {
  /** null while the device shows "(undefined)". */
  name: string | null;
  /** Boot delay, also the sequence delay before the next outlet of a multi-outlet command. */
  bootDelayMs: number;
  powerUpDefault: PlugState;
}

export interface Outlet extends OutletSettings {
  readonly number: number;
  state: PlugState;
}

export type SwitchAction = 'on' | 'off' | 'boot';

interface Step {
  delayMs: number;
  plug: number;
  state: PlugState;
}

export class OutletBank {
  private readonly outlets: Outlet[];
  /** The operation that last claimed each outlet; an older operation's pending steps yield to it. */
  private readonly owner = new Map<number, symbol>();
  private readonly timers = new Set<unknown>();

  constructor(
    count: number,
    private readonly emit: (e: EmulatorEvent) => void,
    private readonly scheduler: Scheduler,
    defaults: OutletSettings,
    /** Whether the relays are stuck now (the stuck-relay fault), asked at each step. */
    private readonly stuck: () => boolean = () => false,
  ) {
    this.outlets = Array.from({ length: count }, (_, i) => ({
      number: i + 1,
      ...defaults,
      state: defaults.powerUpDefault,
    }));
  }

  get count(): number {
    return this.outlets.length;
  }

  get(plug: number): Readonly<Outlet> | undefined {
    return this.outlets[plug - 1];
  }

  all(): readonly Readonly<Outlet>[] {
    return this.outlets;
  }

  /**
   * Switch outlets. `off` cuts them all at once; `on` powers them in order with
   * each outlet's sequence delay between them; `boot` cuts them all, waits the
   * boot delay, then powers them in order. Resolves when the last step is done.
   * `user`: who the session logged in as, where the device has user names.
   */
  switch(plugs: readonly number[], action: SwitchAction, by: string, user?: string): Promise<void> {
    const op = Symbol(action);
    for (const p of plugs) this.owner.set(p, op);
    const steps: Step[] = [];
    if (action === 'off' || action === 'boot') {
      for (const p of plugs) steps.push({ delayMs: 0, plug: p, state: 'OFF' });
    }
    if (action === 'on' || action === 'boot') {
      plugs.forEach((p, i) => {
        const previous = i === 0 ? (action === 'boot' ? p : undefined) : plugs[i - 1];
        const delayMs = previous === undefined ? 0 : (this.get(previous)?.bootDelayMs ?? 0);
        steps.push({ delayMs, plug: p, state: 'ON' });
      });
    }
    return this.run(op, steps, by, user);
  }

  /** A command on this outlet still has steps to run (SNMP's "command pending"). */
  pending(plug: number): boolean {
    return this.owner.has(plug);
  }

  /** Put every outlet to its power-up default (WTI /D), through the relays. */
  applyDefaults(by: string, user?: string): void {
    for (const o of this.outlets) {
      this.owner.delete(o.number);
      this.move(o, o.powerUpDefault, by, user);
    }
  }

  /** Set one outlet's state at once, past the relays (the lab API's cord, restoring saved state): never stuck. */
  force(plug: number, state: PlugState, by: string): void {
    const o = this.outlets[plug - 1];
    if (!o) throw new RangeError(`no outlet ${plug}`);
    this.owner.delete(plug);
    this.set(o, state, by);
  }

  configure(plug: number, patch: Partial<OutletSettings>, by: string): void {
    const o = this.outlets[plug - 1];
    if (!o) throw new RangeError(`no outlet ${plug}`);
    for (const key of Object.keys(patch) as (keyof OutletSettings)[]) {
      if (patch[key] === undefined || patch[key] === o[key]) continue;
      Object.assign(o, { [key]: patch[key] });
      this.emit({ type: 'setting', what: key, plug, by });
    }
  }

  /** Set values without reporting them: loading saved state or configuration is not a change on the wire. */
  restore(plug: number, values: Partial<OutletSettings & { state: PlugState }>): void {
    const o = this.outlets[plug - 1];
    if (!o) throw new RangeError(`no outlet ${plug}`);
    for (const [key, value] of Object.entries(values)) if (value !== undefined) Object.assign(o, { [key]: value });
  }

  /** Cancel pending steps (emulator shutdown). States stay as they are. */
  stop(): void {
    for (const t of this.timers) this.scheduler.clearTimeout(t);
    this.timers.clear();
    this.owner.clear();
  }

  private set(o: Outlet, state: PlugState, by: string, user?: string): void {
    if (o.state === state) return;
    o.state = state;
    this.emit({ type: 'plug', plug: o.number, name: o.name, state, by, ...(user ? { user } : {}) });
  }

  /** A relay step: the outlet moves, or, stuck, stays and says so. An outlet already there needs no move. */
  private move(o: Outlet, state: PlugState, by: string, user: string | undefined): void {
    if (o.state === state) return;
    if (!this.stuck()) return this.set(o, state, by, user);
    this.emit({
      type: 'switch-ignored',
      plug: o.number,
      requested: state,
      by,
      ...(user ? { user } : {}),
      reason: 'fault: stuck-relay',
    });
  }

  private run(op: symbol, steps: Step[], by: string, user: string | undefined): Promise<void> {
    return new Promise((resolve) => {
      const next = (i: number): void => {
        const step = steps[i];
        if (!step) {
          for (const s of steps) if (this.owner.get(s.plug) === op) this.owner.delete(s.plug);
          resolve();
          return;
        }
        const apply = () => {
          const o = this.outlets[step.plug - 1];
          if (o && this.owner.get(step.plug) === op) this.move(o, step.state, by, user);
          next(i + 1);
        };
        if (step.delayMs <= 0) {
          apply();
          return;
        }
        const handle = this.scheduler.setTimeout(() => {
          this.timers.delete(handle);
          apply();
        }, step.delayMs);
        this.timers.add(handle);
      };
      next(0);
    });
  }
}
