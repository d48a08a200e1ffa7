import type { EmulatorEvent, PlugState } from '../events.js';
import { OutletBank, type SwitchAction } from '../model/outlet-bank.js';
import type { Scheduler } from '../model/scheduler.js';
import type { StateFields } from '../state-fields.js';
import { parseApcSnapshot } from './apc-state.js';
import { unitOf } from './identity.js';

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

/**
 * An SNMPv3 (USM) user of the card. The keys are pass phrases, localised to
 * the agent's engine ID as net-snmp does. No key gives noAuthNoPriv, an
 * authKey alone authNoPriv, both authPriv. `read` users may GET, `write` users
 * (the default) may also SET.
 */
export interface ApcSnmpUser {
  name: string;
  authProtocol?: 'md5' | 'sha';
  authKey?: string;
  privProtocol?: 'des' | 'aes';
  privKey?: string;
  access?: 'read' | 'write';
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

export { APC_FAULTS, type ApcFault } from './faults.js';

import type { ApcFault } from './faults.js';

export class ApcDevice {
  readonly bank: OutletBank;
  readonly faults = new Set<ApcFault>();
  identity: ApcIdentity = { name: 'PDU-BAR', contact: '', location: '' };
  users: ApcUser[] = [{ name: 'apc', password: 'apc', role: 'admin' }];
  /** SNMP v1/v2c communities: `read` may GET, `write` may GET and SET. */
  communities = { read: 'public', write: 'private' };
  /** SNMPv3 users; none by default, as a card leaves v3 off until a profile is set up. */
  snmpUsers: ApcSnmpUser[] = [];
  /**
   * Tenths of an amp each ON outlet draws: the SNMP load objects sum it over
   * the outlets that are on. The emulator's own model, not a measurement.
   */
  outletLoadTenths = 2;

  /** Delayed commands from the menus (Delayed On/Off/Reboot), by timer, with the outlets they act on. */
  private readonly delayed = new Map<unknown, readonly number[]>();

  constructor(private readonly opts: ApcDeviceOptions) {
    this.bank = new OutletBank(
      opts.outlets ?? unitOf(opts.model, opts.firmware).outlets,
      opts.emit,
      opts.scheduler,
      { name: null, bootDelayMs: 5000, powerUpDefault: 'ON' },
      () => this.faults.has('stuck-relay'),
    );
  }

  get model(): ApcModel {
    return this.opts.model;
  }

  get firmware(): ApcFirmware {
    return this.opts.firmware;
  }

  /**
   * Run `action` on `plugs` after `delayMs`, on the device's scheduler (the
   * menus' Delayed commands); a stuck relay is found when the time comes.
   */
  later(plugs: readonly number[], action: SwitchAction, delayMs: number, by: string, user?: string): void {
    const handle = this.opts.scheduler.setTimeout(() => {
      this.delayed.delete(handle);
      void this.bank.switch(plugs, action, by, user);
    }, delayMs);
    this.delayed.set(handle, [...plugs]);
  }

  /** Drop the delayed commands that act on any of `plugs`; how many were dropped. */
  cancelLater(plugs: readonly number[]): number {
    let dropped = 0;
    for (const [handle, on] of this.delayed) {
      if (!on.some((p) => plugs.includes(p))) continue;
      this.opts.scheduler.clearTimeout(handle);
      this.delayed.delete(handle);
      dropped++;
    }
    return dropped;
  }

  /** A delayed command waits to act on this outlet (with the bank's own steps, SNMP's "command pending"). */
  hasLater(plug: number): boolean {
    for (const on of this.delayed.values()) if (on.includes(plug)) return true;
    return false;
  }

  /** Shutdown: drop delayed commands and the bank's pending steps. States stay as they are. */
  stop(): void {
    for (const handle of this.delayed.keys()) this.opts.scheduler.clearTimeout(handle);
    this.delayed.clear();
    this.bank.stop();
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

  /** A state file's snapshot, each value checked first (apc-state.ts). */
  restore(raw: Record<string, unknown>, fields: StateFields): void {
    this.load(parseApcSnapshot(raw, fields, this.bank.count));
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
