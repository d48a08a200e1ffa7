/**
 * The objects an APC card serves over SNMP, as data: OID, syntax, rows, how
 * each reads from the device and, for the writable ones, what a SET accepts
 * and does. No I/O and no protocol here; snmp-responder.ts answers requests
 * from this table and snmp-agent.ts carries the packets.
 *
 * Sources: the PowerNet-MIB OIDs and the values a real AP7900 (AOS v3.7.3)
 * answers, as an snmpwalk recorded in Network UPS Tools' apc-pdu-mib.c shows
 * them (names "Outlet N" by default, control reads immediateOn(1),
 * outletStatusNoCommandPending(2), reboot duration 5 s); what fence_apc_snmp
 * 4.12.1 and cluster-glue apcmastersnmp 1.0.12 GET and SET
 * (docs/reference/apc.md §6). Marked [unverified]: the sysDescr text,
 * the MasterSwitch sysObjectID, delayed and cancel commands, name and reboot
 * duration limits.
 */
import type { EmulatorEvent } from '../events.js';
import type { ApcDevice } from './apc-device.js';

/** ASN.1 tags of the syntaxes served; the numbers net-snmp's ObjectType uses. */
export const Asn = {
  Integer: 2,
  OctetString: 4,
  Null: 5,
  ObjectIdentifier: 6,
  TimeTicks: 67,
} as const;
export type AsnTag = (typeof Asn)[keyof typeof Asn];

export type Oid = readonly number[];

/** Why one variable of a SET is refused, in SNMPv2 terms (snmp-responder.ts maps them down for v1). */
export type SetRefusal = 'wrongLength' | 'wrongValue';

export interface MibWrite {
  /** null when the value may be set; the tag has been checked already. */
  check(value: unknown, index: number): SetRefusal | null;
  apply(value: unknown, index: number, by: string): void;
}

export interface MibObject {
  /** The PowerNet-MIB (or MIB-II) descriptor, for docs and debugging. */
  readonly name: string;
  /** The OBJECT-TYPE's OID; an instance is this plus the row index (0 for a scalar). */
  readonly oid: Oid;
  readonly type: AsnTag;
  readonly indexes: readonly number[];
  get(index: number): number | string;
  readonly write?: MibWrite;
}

export interface MibInstance {
  readonly oid: Oid;
  readonly object: MibObject;
  readonly index: number;
}

export function parseOid(text: string): Oid | null {
  const parts = text.replace(/^\./, '').split('.');
  const oid = parts.map((p) => (/^\d+$/.test(p) ? Number(p) : Number.NaN));
  return oid.every((n) => Number.isSafeInteger(n) && n <= 0xffffffff) ? oid : null;
}

export function formatOid(oid: Oid): string {
  return oid.join('.');
}

export function compareOids(a: Oid, b: Oid): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = (a[i] as number) - (b[i] as number);
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

function startsWith(oid: Oid, prefix: Oid): boolean {
  return prefix.length <= oid.length && prefix.every((n, i) => oid[i] === n);
}

/** The instances of a set of objects in OID order, for GET, GETNEXT and SET lookups. */
export class Mib {
  private readonly instances: MibInstance[];

  constructor(readonly objects: readonly MibObject[]) {
    this.instances = objects
      .flatMap((object) => object.indexes.map((index) => ({ oid: [...object.oid, index], object, index })))
      .sort((a, b) => compareOids(a.oid, b.oid));
  }

  /** The instance at exactly this OID, else whether its object exists at all (noSuchInstance) or not (noSuchObject). */
  lookup(oid: Oid): MibInstance | 'noSuchInstance' | 'noSuchObject' {
    const i = this.search(oid);
    const found = this.instances[i];
    if (found && compareOids(found.oid, oid) === 0) return found;
    return this.objects.some((o) => startsWith(oid, o.oid)) ? 'noSuchInstance' : 'noSuchObject';
  }

  /** The first instance after this OID in lexicographic order, null at the end of the MIB view. */
  next(oid: Oid): MibInstance | null {
    let i = this.search(oid);
    const at = this.instances[i];
    if (at && compareOids(at.oid, oid) === 0) i++;
    return this.instances[i] ?? null;
  }

  /** Index of the first instance ≥ oid. */
  private search(oid: Oid): number {
    let lo = 0;
    let hi = this.instances.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareOids((this.instances[mid] as MibInstance).oid, oid) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

// ---------------------------------------------------------------------------
// The APC card's objects.

const MIB2_SYSTEM = '1.3.6.1.2.1.1';
const APC = '1.3.6.1.4.1.318';
const RPDU = `${APC}.1.1.12`;
const SPDU = `${APC}.1.1.4`;

/** sysObjectID values: fence_apc_snmp matches them exactly (apc.md §6). */
export const SYS_OBJECT_IDS = {
  /** masterSwitchrPDU: the Rack PDU tables. Not .4.6, which makes fence_apc_snmp read the sPDU tables. */
  'apc-rackpdu': `${APC}.1.3.4.5`,
  /** masterSwitchV1 [unverified]; any ID but .4.4/.4.5/.4.6 makes fence_apc_snmp use the sPDU tables. */
  'apc-masterswitch': `${APC}.1.3.4.1`,
} as const;

/** What rPDUIdentModelNumber / sPDUIdentModelNumber say; AP7921 is on apcmastersnmp's tested list, so no WARN. */
export const MODEL_NUMBERS = { 'apc-rackpdu': 'AP7921', 'apc-masterswitch': 'AP9211' } as const;

/** Outlet commands as the control columns take them. */
export type OutletCommand = 'on' | 'off' | 'reboot' | 'delayed-on' | 'delayed-off' | 'delayed-reboot' | 'cancel';

/**
 * rPDUOutletControlOutletCommand: immediateOn(1), immediateOff(2),
 * immediateReboot(3); delayedOn(4), delayedOff(5), delayedReboot(6),
 * cancelPendingCommand(7) [unverified: 4–7 as PowerNet-MIB names them, not
 * seen on a card].
 */
const RPDU_COMMANDS: Record<number, OutletCommand> = {
  1: 'on',
  2: 'off',
  3: 'reboot',
  4: 'delayed-on',
  5: 'delayed-off',
  6: 'delayed-reboot',
  7: 'cancel',
};

/** sPDUOutletCtl: outletOn(1), outletOff(2), outletReboot(3); outletUnknown(4) is read-only; 5–7 "with delay" [unverified]. */
const SPDU_COMMANDS: Record<number, OutletCommand> = {
  1: 'on',
  2: 'off',
  3: 'reboot',
  5: 'delayed-on',
  6: 'delayed-off',
  7: 'delayed-reboot',
};

/** rPDUOutletDevCommand: immediateAllOn(2) … delayedAllReboot(7), cancelAllPendingCommands(8) [unverified]. */
const RPDU_DEVICE_COMMANDS: Record<number, OutletCommand> = {
  2: 'on',
  3: 'off',
  4: 'reboot',
  5: 'delayed-on',
  6: 'delayed-off',
  7: 'delayed-reboot',
  8: 'cancel',
};

/** Longest outlet name a SET takes [unverified: the card's own limit is not recorded]. */
export const OUTLET_NAME_MAX = 20;
/** Reboot durations a SET takes, in seconds [unverified]. */
export const REBOOT_DURATION_RANGE = { min: 1, max: 60 } as const;

export interface ApcMibOptions {
  device: ApcDevice;
  /** Hundredths of a second since the agent started (sysUpTime). */
  uptime: () => number;
  /** Where identity changes are reported (outlet settings report through the bank). */
  emit: (e: EmulatorEvent) => void;
}

export function outletName(device: ApcDevice, plug: number): string {
  return device.bank.get(plug)?.name ?? `Outlet ${plug}`;
}

const SWITCH = { on: 'on', off: 'off', reboot: 'boot' } as const;

/**
 * Switch outlets as the card does for an SNMP command, through the same
 * device model as the menus: a delayed command waits the outlet's delay (the
 * emulator keeps one per outlet, also its reboot duration) and can be
 * cancelled from either side. A stuck relay takes the command and moves
 * nothing, as on the other front-ends.
 */
export function commandOutlets(device: ApcDevice, plugs: readonly number[], command: OutletCommand, by: string): void {
  if (command === 'cancel') {
    device.cancelLater(plugs);
    return;
  }
  if (device.faults.has('stuck-relay')) return;
  if (command.startsWith('delayed-')) {
    const action = SWITCH[command.slice('delayed-'.length) as keyof typeof SWITCH];
    device.later(plugs, action, device.bank.get(plugs[0] ?? 0)?.bootDelayMs ?? 0, by);
    return;
  }
  void device.bank.switch(plugs, SWITCH[command as keyof typeof SWITCH], by);
}

function sysDescr(device: ApcDevice): string {
  // The NMC's layout [unverified: the text of a v2.7 / v6.4 card was not recorded].
  const fw =
    device.firmware === '6.4' ? { pf: 'v6.4.0', n: '640', hw: 'hw05' } : { pf: 'v2.7.0', n: '270', hw: 'hw02' };
  const app = device.model === 'apc-rackpdu' ? 'rpdu' : 'ms';
  return (
    `APC Web/SNMP Management Card (MB:v3.9.2 PF:${fw.pf} PN:apc_${fw.hw}_aos_${fw.n}.bin ` +
    `AF1:${fw.pf} AN1:apc_${fw.hw}_${app}_${fw.n}.bin MN:${MODEL_NUMBERS[device.model]} HR:B2 SN: ZA0000000000 MD:01/01/2010)`
  );
}

const isDisplayString = (b: Buffer) => b.every((c) => c >= 0x20 && c <= 0x7e);

/** A DisplayString of at most `max` characters. */
function text(max: number, apply: (value: string, index: number, by: string) => void): MibWrite {
  return {
    check: (value) => {
      const b = value as Buffer;
      if (b.length > max) return 'wrongLength';
      return isDisplayString(b) ? null : 'wrongValue';
    },
    apply: (value, index, by) => apply((value as Buffer).toString('latin1'), index, by),
  };
}

/** An INTEGER taking only the listed values. */
function choice(allowed: (n: number) => boolean, apply: (value: number, index: number, by: string) => void): MibWrite {
  return {
    check: (value) => (allowed(value as number) ? null : 'wrongValue'),
    apply: (value, index, by) => apply(value as number, index, by),
  };
}

export function createApcMib({ device, uptime, emit }: ApcMibOptions): Mib {
  const bank = device.bank;
  const outlets = bank.all().map((o) => o.number);
  const model = device.model;
  const o = (plug: number) => {
    const outlet = bank.get(plug);
    if (!outlet) throw new RangeError(`no outlet ${plug}`);
    return outlet;
  };
  const onOff = (plug: number) => (o(plug).state === 'ON' ? 1 : 2);
  const pending = (plug: number) => (bank.pending(plug) || device.hasLater(plug) ? 1 : 2);
  const rebootSeconds = (plug: number) => Math.round(o(plug).bootDelayMs / 1000);

  const scalar = (
    name: string,
    oid: string,
    type: AsnTag,
    get: () => number | string,
    write?: MibWrite,
  ): MibObject => ({
    name,
    oid: parseOid(oid) as Oid,
    type,
    indexes: [0],
    get: () => get(),
    write,
  });
  const column = (
    name: string,
    oid: string,
    type: AsnTag,
    get: (plug: number) => number | string,
    write?: MibWrite,
  ): MibObject => ({ name, oid: parseOid(oid) as Oid, type, indexes: outlets, get, write });

  const identity = (what: 'name' | 'contact' | 'location', event: string) =>
    text(255, (value, _index, by) => {
      if (device.identity[what] === value) return;
      device.identity = { ...device.identity, [what]: value };
      emit({ type: 'setting', what: event, by });
    });
  const setName = text(OUTLET_NAME_MAX, (value, plug, by) =>
    bank.configure(plug, { name: value === '' ? null : value }, by),
  );
  const setRebootDuration = choice(
    (n) => n >= REBOOT_DURATION_RANGE.min && n <= REBOOT_DURATION_RANGE.max,
    (n, plug, by) => bank.configure(plug, { bootDelayMs: n * 1000 }, by),
  );
  const control = (commands: Record<number, OutletCommand>) =>
    choice(
      (n) => commands[n] !== undefined,
      (n, plug, by) => commandOutlets(device, [plug], commands[n] as OutletCommand, by),
    );

  const system: MibObject[] = [
    scalar('sysDescr', `${MIB2_SYSTEM}.1`, Asn.OctetString, () => sysDescr(device)),
    scalar('sysObjectID', `${MIB2_SYSTEM}.2`, Asn.ObjectIdentifier, () => SYS_OBJECT_IDS[model]),
    scalar('sysUpTime', `${MIB2_SYSTEM}.3`, Asn.TimeTicks, () => Math.floor(uptime()) >>> 0),
    scalar(
      'sysContact',
      `${MIB2_SYSTEM}.4`,
      Asn.OctetString,
      () => device.identity.contact,
      identity('contact', 'contact'),
    ),
    scalar('sysName', `${MIB2_SYSTEM}.5`, Asn.OctetString, () => device.identity.name, identity('name', 'siteId')),
    scalar(
      'sysLocation',
      `${MIB2_SYSTEM}.6`,
      Asn.OctetString,
      () => device.identity.location,
      identity('location', 'location'),
    ),
    scalar('sysServices', `${MIB2_SYSTEM}.7`, Asn.Integer, () => 72),
  ];

  // The older MasterSwitch (sPDU) tables: a Rack PDU serves them too (the AP7900 walk), a MasterSwitch only these.
  const firmwareRev = `v${device.firmware}.0`;
  const sPdu: MibObject[] = [
    scalar('sPDUIdentHardwareRev', `${SPDU}.1.1`, Asn.OctetString, () => 'B2'),
    scalar('sPDUIdentFirmwareRev', `${SPDU}.1.2`, Asn.OctetString, () => firmwareRev),
    scalar('sPDUIdentDateOfManufacture', `${SPDU}.1.3`, Asn.OctetString, () => '01/01/2010'),
    scalar('sPDUIdentModelNumber', `${SPDU}.1.4`, Asn.OctetString, () => MODEL_NUMBERS[model]),
    scalar('sPDUIdentSerialNumber', `${SPDU}.1.5`, Asn.OctetString, () => 'ZA0000000000'),
    scalar('sPDUOutletControlTableSize', `${SPDU}.4.1`, Asn.Integer, () => bank.count),
    column('sPDUOutletControlIndex', `${SPDU}.4.2.1.1`, Asn.Integer, (p) => p),
    column('sPDUOutletPending', `${SPDU}.4.2.1.2`, Asn.Integer, pending),
    column('sPDUOutletCtl', `${SPDU}.4.2.1.3`, Asn.Integer, onOff, control(SPDU_COMMANDS)),
    column('sPDUOutletCtlName', `${SPDU}.4.2.1.4`, Asn.OctetString, (p) => outletName(device, p)),
    scalar('sPDUOutletConfigTableSize', `${SPDU}.5.1`, Asn.Integer, () => bank.count),
    column('sPDUOutletConfigIndex', `${SPDU}.5.2.1.1`, Asn.Integer, (p) => p),
    column('sPDUOutletName', `${SPDU}.5.2.1.3`, Asn.OctetString, (p) => outletName(device, p), setName),
    column('sPDUOutletRebootDuration', `${SPDU}.5.2.1.5`, Asn.Integer, rebootSeconds, setRebootDuration),
  ];

  const rPdu: MibObject[] = [
    scalar('rPDUIdentName', `${RPDU}.1.1`, Asn.OctetString, () => device.identity.name, identity('name', 'siteId')),
    scalar('rPDUIdentHardwareRev', `${RPDU}.1.2`, Asn.OctetString, () => 'B2'),
    scalar('rPDUIdentFirmwareRev', `${RPDU}.1.3`, Asn.OctetString, () => firmwareRev),
    scalar('rPDUIdentDateOfManufacture', `${RPDU}.1.4`, Asn.OctetString, () => '01/01/2010'),
    scalar('rPDUIdentModelNumber', `${RPDU}.1.5`, Asn.OctetString, () => MODEL_NUMBERS[model]),
    scalar('rPDUIdentSerialNumber', `${RPDU}.1.6`, Asn.OctetString, () => 'ZA0000000000'),
    scalar('rPDUIdentDeviceRating', `${RPDU}.1.7`, Asn.Integer, () => 16),
    scalar('rPDUIdentDeviceNumOutlets', `${RPDU}.1.8`, Asn.Integer, () => bank.count),
    scalar('rPDUIdentDeviceNumPhases', `${RPDU}.1.9`, Asn.Integer, () => 1),
    scalar(
      'rPDUOutletDevCommand',
      `${RPDU}.3.1.1`,
      Asn.Integer,
      () => 1, // noCommandAll
      choice(
        (n) => RPDU_DEVICE_COMMANDS[n] !== undefined,
        (n, _index, by) => commandOutlets(device, outlets, RPDU_DEVICE_COMMANDS[n] as OutletCommand, by),
      ),
    ),
    scalar('rPDUOutletDevNumCntrlOutlets', `${RPDU}.3.1.3`, Asn.Integer, () => bank.count),
    scalar('rPDUOutletDevNumTotalOutlets', `${RPDU}.3.1.4`, Asn.Integer, () => bank.count),
    column('rPDUOutletControlIndex', `${RPDU}.3.3.1.1.1`, Asn.Integer, (p) => p),
    column('rPDUOutletControlOutletName', `${RPDU}.3.3.1.1.2`, Asn.OctetString, (p) => outletName(device, p)),
    column('rPDUOutletControlOutletPhase', `${RPDU}.3.3.1.1.3`, Asn.Integer, () => 1),
    column('rPDUOutletControlOutletCommand', `${RPDU}.3.3.1.1.4`, Asn.Integer, onOff, control(RPDU_COMMANDS)),
    column('rPDUOutletConfigIndex', `${RPDU}.3.4.1.1.1`, Asn.Integer, (p) => p),
    column('rPDUOutletConfigOutletName', `${RPDU}.3.4.1.1.2`, Asn.OctetString, (p) => outletName(device, p), setName),
    column('rPDUOutletConfigOutletPhase', `${RPDU}.3.4.1.1.3`, Asn.Integer, () => 1),
    column('rPDUOutletConfigRebootDuration', `${RPDU}.3.4.1.1.6`, Asn.Integer, rebootSeconds, setRebootDuration),
    column('rPDUOutletStatusIndex', `${RPDU}.3.5.1.1.1`, Asn.Integer, (p) => p),
    column('rPDUOutletStatusOutletName', `${RPDU}.3.5.1.1.2`, Asn.OctetString, (p) => outletName(device, p)),
    column('rPDUOutletStatusOutletPhase', `${RPDU}.3.5.1.1.3`, Asn.Integer, () => 1),
    column('rPDUOutletStatusOutletState', `${RPDU}.3.5.1.1.4`, Asn.Integer, onOff),
    column('rPDUOutletStatusCommandPending', `${RPDU}.3.5.1.1.5`, Asn.Integer, pending),
  ];

  return new Mib([...system, ...sPdu, ...(model === 'apc-rackpdu' ? rPdu : [])]);
}
