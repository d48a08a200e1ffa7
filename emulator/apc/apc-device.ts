import type { EmulatorEvent, PlugState } from '../events.js';
import { OutletBank } from '../model/outlet-bank.js';
import type { Scheduler } from '../model/scheduler.js';

/**
 * An APC power distribution unit behind a Network Management Card: its
 * outlets, its identity (the banner's Name/Contact/Location), its users and
 * SNMP communities. No I/O and no clock: telnet, SSH and SNMP front-ends all
 * reach the same outlets through here, as on a real card.
 */
export type ApcModel = 'apc-rackpdu' | 'apc-masterswitch';
export type ApcFirmware = '2.7' | '6.4';
export type ApcRole = 'admin' | 'device' | 'outlet';

export interface ApcUser {
  name: string;
  password: string;
  role: ApcRole;
}

export interface ApcOutletState {
  number: number;
  name: string | null;
  /** Seconds an Immediate Reboot keeps the outlet off (SNMP's reboot duration). */
  rebootDuration: number;
  state: PlugState;
}

export interface ApcSnapshot {
  version: 1;
  model: ApcModel;
  firmware: ApcFirmware;
  identity: ApcIdentity;
  plugs: ApcOutletState[];
}

export interface ApcIdentity {
  name: string;
  contact: string;
  location: string;
}

export interface ApcDeviceOptions {
  model: ApcModel;
  firmware: ApcFirmware;
  outlets?: number;
  emit: (e: EmulatorEvent) => void;
  scheduler: Scheduler;
}

/**
 * Named faults: stall-mid-screen (a screen stops half-way and the card goes
 * silent), stuck-relay (commands are acknowledged, no outlet moves),
 * drop-after-login (the card hangs up right after a login).
 */
export const APC_FAULTS = ['stall-mid-screen', 'stuck-relay', 'drop-after-login'] as const;
export type ApcFault = (typeof APC_FAULTS)[number];

export class ApcDevice {
  readonly bank: OutletBank;
  readonly faults = new Set<ApcFault>();
  identity: ApcIdentity = { name: 'PDU-BAR', contact: '', location: '' };
  users: ApcUser[] = [{ name: 'apc', password: 'apc', role: 'admin' }];
  /** SNMP v1/v2c communities: `read` may GET, `write` may GET and SET. */
  communities = { read: 'public', write: 'private' };

  constructor(private readonly opts: ApcDeviceOptions) {
    this.bank = new OutletBank(opts.outlets ?? (opts.model === 'apc-masterswitch' ? 8 : 24), opts.emit, opts.scheduler, {
      name: null,
      bootDelayMs: 5000,
      powerUpDefault: 'ON',
    });
  }

  get model(): ApcModel {
    return this.opts.model;
  }

  get firmware(): ApcFirmware {
    return this.opts.firmware;
  }

  authenticate(name: string, password: string): ApcUser | null {
    return this.users.find((u) => u.name === name && u.password === password) ?? null;
  }

  snapshot(): ApcSnapshot {
    return {
      version: 1,
      model: this.model,
      firmware: this.firmware,
      identity: { ...this.identity },
      plugs: this.bank.all().map((o) => ({
        number: o.number,
        name: o.name,
        rebootDuration: o.bootDelayMs / 1000,
        state: o.state,
      })),
    };
  }

  /** Apply saved or configured values, without events: loading is not a change on the wire. */
  load(s: { identity?: Partial<ApcIdentity>; plugs?: Partial<ApcOutletState>[] }): void {
    if (s.identity) this.identity = { ...this.identity, ...s.identity };
    for (const p of s.plugs ?? []) {
      if (p.number === undefined || !this.bank.get(p.number)) {
        throw new RangeError(`outlet ${p.number} does not exist on this ${this.model}`);
      }
      this.bank.restore(p.number, {
        name: p.name,
        bootDelayMs: p.rebootDuration === undefined ? undefined : Math.round(p.rebootDuration * 1000),
        state: p.state,
      });
    }
  }
}
