import type { EmulatorEvent, PlugState } from '../events.js';
import type { Scheduler } from '../model/scheduler.js';
import type { StateFields } from '../state-fields.js';
import { parseIloSnapshot } from './ilo-state.js';

/**
 * The server an iLO manages: one power state, and the seconds between a
 * button press (or a power command) and the state actually changing. No I/O
 * and no clock of its own; RIBCL, SMASH CLP and Redfish all act through here.
 */
export { ILO_FAULTS, ILO_MODELS, type IloFault, type IloModel, isIloModel } from './generations.js';

import { IloFaultSet } from './faults.js';
import type { IloModel } from './generations.js';

/** What each generation reports: RIBCL version, firmware, processor name. [unverified beyond iLO3 1.82] */
export const ILO_IDENTITY: Record<
  IloModel,
  { ribcl: string; firmware: string; date: string; processor: string; license: string }
> = {
  ilo2: { ribcl: '2.22', firmware: '2.29', date: 'Jul 16 2015', processor: 'iLO2', license: 'iLO 2 Advanced' },
  ilo3: { ribcl: '2.23', firmware: '1.82', date: 'Jan 15 2015', processor: 'iLO3', license: 'iLO 3 Advanced' },
  ilo4: { ribcl: '2.23', firmware: '2.78', date: 'Apr 28 2021', processor: 'iLO4', license: 'iLO Advanced' },
  ilo5: { ribcl: '2.23', firmware: '2.72', date: 'Sep 04 2022', processor: 'iLO5', license: 'iLO Advanced' },
};

export interface IloUser {
  name: string;
  password: string;
}

export interface IloSnapshot {
  version: 1;
  model: IloModel;
  power: PlugState;
  hostName: string;
}

export interface IloDeviceOptions {
  model: IloModel;
  emit: (e: EmulatorEvent) => void;
  scheduler: Scheduler;
}

export class IloDevice {
  power: PlugState = 'ON';
  /** Seconds between a press or a power command and the state changing. */
  transitionSeconds = 0;
  hostName = 'node1';
  users: IloUser[] = [{ name: 'admin', password: 'admin' }];
  /** Switched on and off while the unit runs (the lab, tests); read at each login and command. */
  readonly faults = new IloFaultSet();
  private pending: { handle: unknown; to: PlugState } | null = null;

  constructor(private readonly opts: IloDeviceOptions) {}

  get model(): IloModel {
    return this.opts.model;
  }

  /** The device's only clock (boot transitions, and the front-ends' session timeouts). */
  get scheduler(): Scheduler {
    return this.opts.scheduler;
  }

  get identity() {
    return ILO_IDENTITY[this.opts.model];
  }

  /** The account's password is right, and the `refuse-login` fault is off (then every password is wrong). */
  authenticate(name: string, password: string): boolean {
    if (this.faults.has('refuse-login')) return false;
    return this.users.some((u) => u.name === name && u.password === password);
  }

  /** The state the server is heading for (after a pending change), for toggles. */
  get target(): PlugState {
    return this.pending?.to ?? this.power;
  }

  /**
   * Ask for a state; it arrives after `transitionSeconds`. `by` names who
   * asked and `user` as whom, for the event. With the `stuck-relay` fault the
   * command is taken and nothing moves: a 'switch-ignored' event instead.
   */
  setPower(to: PlugState, by: string, user?: string): void {
    if (this.stuck(to, by, user)) return;
    if (this.pending) {
      this.opts.scheduler.clearTimeout(this.pending.handle);
      this.pending = null;
    }
    if (to === this.power) return;
    const apply = () => {
      this.pending = null;
      if (this.power === to) return;
      this.power = to;
      this.opts.emit({ type: 'plug', plug: 1, name: this.hostName, state: to, by, ...(user ? { user } : {}) });
    };
    if (this.transitionSeconds <= 0) return apply();
    this.pending = { to, handle: this.opts.scheduler.setTimeout(apply, this.transitionSeconds * 1000) };
  }

  /** Off, then on once off has been reached (a cold boot / reset). */
  cycle(by: string, user?: string): void {
    // A reset that does nothing is reported as the off it did not do (the on would not have moved it).
    if (this.stuck('OFF', by, user, true)) return;
    const waitOff = this.transitionSeconds;
    this.setPower('OFF', by, user);
    const on = () => this.setPower('ON', by, user);
    if (waitOff <= 0) on();
    else this.opts.scheduler.setTimeout(on, waitOff * 1000 + 1);
  }

  /**
   * The relay is stuck: report the command that would have moved the server
   * (not one asking for the state it is already heading for) and say so.
   */
  private stuck(to: PlugState, by: string, user: string | undefined, reset = false): boolean {
    if (!this.faults.has('stuck-relay')) return false;
    if (reset || to !== this.target) {
      const reason = 'fault: stuck-relay';
      this.opts.emit({ type: 'switch-ignored', plug: 1, requested: to, by, ...(user ? { user } : {}), reason });
    }
    return true;
  }

  snapshot(): IloSnapshot {
    return { version: 1, model: this.model, power: this.power, hostName: this.hostName };
  }

  /** A state file's snapshot, each value checked first (ilo-state.ts). */
  restore(raw: Record<string, unknown>, fields: StateFields): void {
    this.load(parseIloSnapshot(raw, fields));
  }

  load(s: Partial<IloSnapshot>): void {
    if (s.power) this.power = s.power;
    if (s.hostName) this.hostName = s.hostName;
  }

  stop(): void {
    if (this.pending) this.opts.scheduler.clearTimeout(this.pending.handle);
    this.pending = null;
  }
}
