import type { EmulatorEvent, PlugState } from '../events.js';
import { FAULTS } from '../faults.js';
import { OutletBank } from '../model/outlet-bank.js';
import type { Scheduler } from '../model/scheduler.js';
import type { StateFields } from '../state-fields.js';
import { NAME_MAX, personalities, type WtiModel, type WtiPersonality } from './personality.js';
import { parseWtiSnapshot } from './wti-state.js';

/**
 * A WTI IPS/NPS unit: its outlets plus the settings of the /G and /P menus.
 * No I/O, no clock: front-ends carry bytes to a menu session, which calls here.
 */
export interface WtiPlugState {
  number: number;
  name: string | null;
  password: string | null;
  bootDelay: number;
  default: PlugState;
  state: PlugState;
}

/** What the state file holds; also the shape `--config` plugs are merged into. */
export interface WtiSnapshot {
  version: 1;
  model: WtiModel;
  systemPassword: string | null;
  siteId: string | null;
  confirm: boolean;
  automated: boolean;
  disconnectTimeout: number;
  plugs: WtiPlugState[];
}

/**
 * A WTI unit takes every fault of the vocabulary (emulator/faults.ts), each
 * at the next connection, login or command after it is added to or removed
 * from `faults`; docs/emulator.md §13 says what a client sees of each, per
 * front-end (busy, for one, is the refusal the unit gives while its one
 * session is taken; stall-mid-screen stops /S half-way).
 */
export const WTI_FAULTS = FAULTS;
export type WtiFault = (typeof WTI_FAULTS)[number];

export function isWtiFault(name: string): name is WtiFault {
  return (WTI_FAULTS as readonly string[]).includes(name);
}

export type Access = { mode: 'admin' } | { mode: 'user'; plugs: ReadonlySet<number> };

export interface WtiDeviceOptions {
  model: WtiModel;
  emit: (e: EmulatorEvent) => void;
  scheduler: Scheduler;
}

export class WtiDevice {
  readonly personality: WtiPersonality;
  readonly bank: OutletBank;
  systemPassword: string | null = null;
  siteId: string | null = null;
  /** Ask "Sure? (Y/N):" when a switching command has no ",Y". */
  confirm = true;
  /** Automated Mode: no status screen redrawn after a switching command. */
  automated = false;
  /** Seconds of inactivity before a session is dropped. */
  disconnectTimeout = 300;
  /** Faults in force (the lab API). */
  readonly faults = new Set<WtiFault>();
  private readonly plugPasswords: (string | null)[];

  constructor(private readonly opts: WtiDeviceOptions) {
    this.personality = personalities[opts.model];
    this.bank = new OutletBank(
      this.personality.plugCount,
      opts.emit,
      opts.scheduler,
      { name: null, bootDelayMs: 500, powerUpDefault: 'ON' },
      () => this.faults.has('stuck-relay'),
    );
    this.plugPasswords = Array.from({ length: this.personality.plugCount }, () => null);
  }

  get model(): WtiModel {
    return this.opts.model;
  }

  /** Which plugs a password opens: all (system password), some (plug password), or none. */
  authenticate(password: string): Access | null {
    if (password === this.systemPassword) return { mode: 'admin' };
    const plugs = new Set<number>();
    this.plugPasswords.forEach((p, i) => {
      if (p !== null && p === password) plugs.add(i + 1);
    });
    if (plugs.size > 0) return { mode: 'user', plugs };
    // No system password: anything else opens the whole unit [unverified]. A plug password,
    // checked above, still opens only its plugs, or plug passwords would mean nothing here.
    return this.systemPassword === null ? { mode: 'admin' } : null;
  }

  /** No password of any kind: the unit shows its status screen without asking. */
  get open(): boolean {
    return this.systemPassword === null && this.plugPasswords.every((p) => p === null);
  }

  plugPassword(plug: number): string | null {
    return this.plugPasswords[plug - 1] ?? null;
  }

  setPlugPassword(plug: number, password: string | null, by: string): void {
    if (this.plugPasswords[plug - 1] === password) return;
    this.plugPasswords[plug - 1] = password;
    this.opts.emit({ type: 'setting', what: 'password', plug, by });
  }

  setGeneral(
    patch: Partial<Pick<WtiDevice, 'systemPassword' | 'siteId' | 'confirm' | 'automated' | 'disconnectTimeout'>>,
    by: string,
  ): void {
    for (const [key, value] of Object.entries(patch)) {
      if (value === undefined || (this as Record<string, unknown>)[key] === value) continue;
      Object.assign(this, { [key]: value });
      this.opts.emit({ type: 'setting', what: key, by });
    }
  }

  snapshot(): WtiSnapshot {
    return {
      version: 1,
      model: this.opts.model,
      systemPassword: this.systemPassword,
      siteId: this.siteId,
      confirm: this.confirm,
      automated: this.automated,
      disconnectTimeout: this.disconnectTimeout,
      plugs: this.bank.all().map((o) => ({
        number: o.number,
        name: o.name,
        password: this.plugPassword(o.number),
        bootDelay: o.bootDelayMs / 1000,
        default: o.powerUpDefault,
        state: o.state,
      })),
    };
  }

  /** A state file's snapshot, each value checked first (wti-state.ts). */
  restore(raw: Record<string, unknown>, fields: StateFields): void {
    this.load(parseWtiSnapshot(raw, fields, this.personality));
  }

  /** Apply saved or configured values; plugs may be partial. Emits nothing, as nothing changed on the wire. */
  load(s: Partial<Omit<WtiSnapshot, 'plugs'>> & { plugs?: Partial<WtiPlugState>[] }): void {
    if (s.systemPassword !== undefined) this.systemPassword = s.systemPassword;
    if (s.siteId !== undefined) this.siteId = s.siteId;
    if (s.confirm !== undefined) this.confirm = s.confirm;
    if (s.automated !== undefined) this.automated = s.automated;
    if (s.disconnectTimeout !== undefined) this.disconnectTimeout = s.disconnectTimeout;
    for (const p of s.plugs ?? []) {
      const n = p.number;
      if (n === undefined || !this.bank.get(n)) throw new RangeError(`plug ${n} does not exist on ${this.model}`);
      if (p.name !== undefined && p.name !== null && p.name.length > NAME_MAX) {
        throw new RangeError(`plug ${n}: name '${p.name}' is longer than ${NAME_MAX} characters`);
      }
      this.bank.restore(n, {
        name: p.name,
        bootDelayMs: p.bootDelay === undefined ? undefined : Math.round(p.bootDelay * 1000),
        powerUpDefault: p.default,
        // A plug with no saved state starts at its power-up default, as after a power cycle.
        state: p.state ?? p.default,
      });
      if (p.password !== undefined) this.plugPasswords[n - 1] = p.password;
    }
  }
}
