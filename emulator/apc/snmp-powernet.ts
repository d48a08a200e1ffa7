/**
 * The PowerNet-MIB objects an APC card serves, per MIB generation of its
 * unit (identity.ts): sPDU (.318.1.1.4, the MasterSwitch tables every APC
 * PDU keeps), rPDU (.318.1.1.12, Rack PDUs) and rPDU2 (.318.1.1.26, 2G Rack
 * PDUs); and createApcMib, the whole view with MIB-II (snmp-mib2.ts).
 *
 * Every OID here was checked with snmptranslate against PowerNet-MIB v4.5.2
 * (a public copy). Values: a real AP7900 (AOS v3.7.3) walk recorded in Network
 * UPS Tools' apc-pdu-mib.c (names "Outlet N" by default, control reads
 * immediateOn(1), no command pending (2), reboot duration 5 s); what
 * fence_apc_snmp 4.12.1 and cluster-glue apcmastersnmp 1.0.12 GET and SET
 * (docs/reference/apc.md §6). The load is the emulator's own model: each ON
 * outlet draws `device.outletLoadTenths` tenths of an amp [unverified: no card
 * was measured]. Marked [unverified] below: delayed and cancel commands, name
 * and reboot duration limits, load thresholds.
 */
import type { EmulatorEvent } from '../events.js';
import type { ApcDevice } from './apc-device.js';
import { type ApcUnitIdentity, unitOf } from './identity.js';
import { Asn, choice, column, Mib, type MibObject, type MibWrite, scalar, text } from './snmp-mib.js';
import { identityWrite, mib2Objects } from './snmp-mib2.js';
import { SnmpStats } from './snmp-stats.js';

const APC = '1.3.6.1.4.1.318';
const RPDU = `${APC}.1.1.12`;
const SPDU = `${APC}.1.1.4`;
const RPDU2 = `${APC}.1.1.26`;

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

/** rPDU2OutletSwitchedControlCommand: as rPDU, but outletUnknown(4) sits before the delayed ones, cancel is 8. */
const RPDU2_COMMANDS: Record<number, OutletCommand> = {
  1: 'on',
  2: 'off',
  3: 'reboot',
  5: 'delayed-on',
  6: 'delayed-off',
  7: 'delayed-reboot',
  8: 'cancel',
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

/**
 * sPDUMasterControlSwitch: turnAllOnNow(1), turnAllOnSequence(2),
 * turnAllOffNow(3), rebootAllNow(4), rebootAllSequence(5), turnAllOffSequence(7);
 * noCommand(6) is what a GET reads. A "sequence" waits each outlet's own delay.
 */
const MASTER_COMMANDS: Record<number, OutletCommand> = {
  1: 'on',
  2: 'delayed-on',
  3: 'off',
  4: 'reboot',
  5: 'delayed-reboot',
  7: 'delayed-off',
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
  /** The agent's counters, for MIB-II `snmp` and `interfaces` (default: counters nobody updates). */
  stats?: SnmpStats;
}

export function outletName(device: ApcDevice, plug: number): string {
  return device.bank.get(plug)?.name ?? `Outlet ${plug}`;
}

const SWITCH = { on: 'on', off: 'off', reboot: 'boot' } as const;

/**
 * Switch outlets as the card does for an SNMP command, through the same
 * device model as the menus: a delayed command waits each outlet's delay (the
 * emulator keeps one per outlet, also its reboot duration) and can be
 * cancelled from either side. A stuck relay takes the command and moves
 * nothing, as on the other front-ends.
 */
export function commandOutlets(
  device: ApcDevice,
  plugs: readonly number[],
  command: OutletCommand,
  by: string,
  user?: string,
): void {
  if (command === 'cancel') {
    device.cancelLater(plugs);
    return;
  }
  // A stuck relay (stuck-relay) is the bank's to find, when each outlet would move.
  if (command.startsWith('delayed-')) {
    const action = SWITCH[command.slice('delayed-'.length) as keyof typeof SWITCH];
    for (const plug of plugs) device.later([plug], action, device.bank.get(plug)?.bootDelayMs ?? 0, by, user);
    return;
  }
  void device.bank.switch(plugs, SWITCH[command as keyof typeof SWITCH], by, user);
}

/** The phase's load state from its current, against the thresholds in whole amps (rPDULoadStatusLoadState's values). */
export function loadState(tenths: number, t: LoadThresholds): 1 | 2 | 3 | 4 {
  const amps = tenths / 10;
  if (amps >= t.overload) return 4; // phaseLoadOverload
  if (amps >= t.nearOverload) return 3; // phaseLoadNearOverload
  if (t.low > 0 && amps < t.low) return 2; // phaseLoadLow
  return 1; // phaseLoadNormal
}

export interface LoadThresholds {
  low: number;
  nearOverload: number;
  overload: number;
}

/** The card's default thresholds [unverified]: no low-load warning, near overload at 80 % of the rating. */
export function defaultThresholds(unit: ApcUnitIdentity): LoadThresholds {
  return { low: 0, nearOverload: Math.floor(unit.ratingAmps * 0.8), overload: unit.ratingAmps };
}

export function createApcMib({ device, uptime, emit, stats = new SnmpStats() }: ApcMibOptions): Mib {
  const unit = unitOf(device.model, device.firmware);
  const objects = [
    ...mib2Objects({ unit, device, uptime, emit, stats }),
    ...(unit.mibs.includes('sPDU') ? sPduObjects(device, unit, emit) : []),
    ...(unit.mibs.includes('rPDU') ? rPduObjects(device, unit, emit) : []),
    ...(unit.mibs.includes('rPDU2') ? rPdu2Objects(device, unit, emit) : []),
  ];
  return new Mib(objects);
}

/** What every generation reads from the device the same way. */
function outletReaders(device: ApcDevice) {
  const bank = device.bank;
  const o = (plug: number) => {
    const outlet = bank.get(plug);
    if (!outlet) throw new RangeError(`no outlet ${plug}`);
    return outlet;
  };
  const outlets = bank.all().map((x) => x.number);
  const setName = text(OUTLET_NAME_MAX, (value, plug, by) =>
    bank.configure(plug, { name: value === '' ? null : value }, by),
  );
  const setRebootDuration = choice(
    (n) => n >= REBOOT_DURATION_RANGE.min && n <= REBOOT_DURATION_RANGE.max,
    (n, plug, by) => bank.configure(plug, { bootDelayMs: n * 1000 }, by),
  );
  const control = (commands: Record<number, OutletCommand>): MibWrite =>
    choice(
      (n) => commands[n] !== undefined,
      (n, plug, by, user) => commandOutlets(device, [plug], commands[n] as OutletCommand, by, user),
    );
  return {
    outlets,
    isOn: (plug: number) => o(plug).state === 'ON',
    onOff: (plug: number) => (o(plug).state === 'ON' ? 1 : 2),
    pending: (plug: number) => (bank.pending(plug) || device.hasLater(plug) ? 1 : 2),
    /** The one delay the emulator keeps per outlet: reboot duration, power-on and power-off delay alike. */
    delaySeconds: (plug: number) => Math.round(o(plug).bootDelayMs / 1000),
    name: (plug: number) => outletName(device, plug),
    /** The phase's current in tenths of an amp: every ON outlet draws the same. */
    loadTenths: () => outlets.filter((p) => o(p).state === 'ON').length * device.outletLoadTenths,
    setName,
    setRebootDuration,
    control,
  };
}

/** The MasterSwitch tables (sPDU): all a MasterSwitch has; Rack PDUs keep them for older tools (fence_apc_snmp's fallback). */
function sPduObjects(device: ApcDevice, unit: ApcUnitIdentity, emit: (e: EmulatorEvent) => void): MibObject[] {
  const r = outletReaders(device);
  const { outlets } = r;
  const masterSwitch = unit.personality === 'masterswitch-ap9211';
  const objects: MibObject[] = [
    scalar('sPDUIdentHardwareRev', `${SPDU}.1.1`, Asn.OctetString, () => unit.hardwareRev),
    scalar('sPDUIdentFirmwareRev', `${SPDU}.1.2`, Asn.OctetString, () => unit.app.version),
    scalar('sPDUIdentDateOfManufacture', `${SPDU}.1.3`, Asn.OctetString, () => unit.manufactured),
    scalar('sPDUIdentModelNumber', `${SPDU}.1.4`, Asn.OctetString, () => unit.model),
    scalar('sPDUIdentSerialNumber', `${SPDU}.1.5`, Asn.OctetString, () => unit.serial),
  ];
  if (masterSwitch) {
    // The whole-unit controls of the MasterSwitch [served by the MasterSwitch only: unverified whether a Rack PDU answers them].
    const words = (f: (plug: number) => string) => () => outlets.map(f).join(' ');
    objects.push(
      scalar(
        'sPDUMasterControlSwitch',
        `${SPDU}.2.1`,
        Asn.Integer,
        () => 6, // noCommand
        choice(
          (n) => MASTER_COMMANDS[n] !== undefined,
          (n, _index, by, user) => commandOutlets(device, outlets, MASTER_COMMANDS[n] as OutletCommand, by, user),
        ),
      ),
      scalar(
        'sPDUMasterState',
        `${SPDU}.2.2`,
        Asn.OctetString,
        words((p) => (r.isOn(p) ? 'On' : 'Off')),
      ),
      scalar(
        'sPDUMasterPending',
        `${SPDU}.2.3`,
        Asn.OctetString,
        words((p) => (r.pending(p) === 1 ? 'Yes' : 'No')),
      ),
      // 0: outlets get power with the unit [unverified]; read-only here.
      scalar('sPDUMasterConfigPowerOn', `${SPDU}.3.1`, Asn.Integer, () => 0),
      // Read-only on firmware 2.x: the longest outlet reboot duration (PowerNet-MIB's description).
      scalar('sPDUMasterConfigReboot', `${SPDU}.3.2`, Asn.Integer, () => Math.max(0, ...outlets.map(r.delaySeconds))),
      scalar(
        'sPDUMasterConfigPDUName',
        `${SPDU}.3.3`,
        Asn.OctetString,
        () => device.identity.name,
        identityWrite(device, emit, 'name', 'siteId'),
      ),
    );
  }
  objects.push(
    scalar('sPDUOutletControlTableSize', `${SPDU}.4.1`, Asn.Integer, () => outlets.length),
    column('sPDUOutletControlIndex', `${SPDU}.4.2.1.1`, Asn.Integer, outlets, (p) => p),
    column('sPDUOutletPending', `${SPDU}.4.2.1.2`, Asn.Integer, outlets, r.pending),
    column('sPDUOutletCtl', `${SPDU}.4.2.1.3`, Asn.Integer, outlets, r.onOff, r.control(SPDU_COMMANDS)),
    column('sPDUOutletCtlName', `${SPDU}.4.2.1.4`, Asn.OctetString, outlets, r.name),
    scalar('sPDUOutletConfigTableSize', `${SPDU}.5.1`, Asn.Integer, () => outlets.length),
    column('sPDUOutletConfigIndex', `${SPDU}.5.2.1.1`, Asn.Integer, outlets, (p) => p),
    // The emulator keeps one delay per outlet; these read it and are read-only here (read-write on a card).
    column('sPDUOutletPowerOnTime', `${SPDU}.5.2.1.2`, Asn.Integer, outlets, r.delaySeconds),
    column('sPDUOutletName', `${SPDU}.5.2.1.3`, Asn.OctetString, outlets, r.name, r.setName),
    column('sPDUOutletPowerOffTime', `${SPDU}.5.2.1.4`, Asn.Integer, outlets, r.delaySeconds),
    column('sPDUOutletRebootDuration', `${SPDU}.5.2.1.5`, Asn.Integer, outlets, r.delaySeconds, r.setRebootDuration),
  );
  return objects;
}

/** The Rack PDU tables (rPDU), with the load the ON outlets draw. */
function rPduObjects(device: ApcDevice, unit: ApcUnitIdentity, emit: (e: EmulatorEvent) => void): MibObject[] {
  const r = outletReaders(device);
  const { outlets } = r;
  const phase = [1];
  const thresholds = defaultThresholds(unit);
  const state = () => loadState(r.loadTenths(), thresholds);
  return [
    scalar(
      'rPDUIdentName',
      `${RPDU}.1.1`,
      Asn.OctetString,
      () => device.identity.name,
      identityWrite(device, emit, 'name', 'siteId'),
    ),
    scalar('rPDUIdentHardwareRev', `${RPDU}.1.2`, Asn.OctetString, () => unit.hardwareRev),
    scalar('rPDUIdentFirmwareRev', `${RPDU}.1.3`, Asn.OctetString, () => unit.app.version),
    scalar('rPDUIdentDateOfManufacture', `${RPDU}.1.4`, Asn.OctetString, () => unit.manufactured),
    scalar('rPDUIdentModelNumber', `${RPDU}.1.5`, Asn.OctetString, () => unit.model),
    scalar('rPDUIdentSerialNumber', `${RPDU}.1.6`, Asn.OctetString, () => unit.serial),
    scalar('rPDUIdentDeviceRating', `${RPDU}.1.7`, Asn.Integer, () => unit.ratingAmps),
    scalar('rPDUIdentDeviceNumOutlets', `${RPDU}.1.8`, Asn.Integer, () => outlets.length),
    scalar('rPDUIdentDeviceNumPhases', `${RPDU}.1.9`, Asn.Integer, () => unit.phases),

    // rPDULoad: one phase, no banks [unverified: the real units' bank layout is not recorded].
    scalar('rPDULoadDevMaxPhaseLoad', `${RPDU}.2.1.1`, Asn.Integer, () => unit.ratingAmps),
    scalar('rPDULoadDevNumPhases', `${RPDU}.2.1.2`, Asn.Integer, () => unit.phases),
    scalar('rPDULoadDevMaxBankLoad', `${RPDU}.2.1.3`, Asn.Integer, () => 0),
    scalar('rPDULoadDevNumBanks', `${RPDU}.2.1.4`, Asn.Integer, () => 0),
    scalar('rPDULoadDevBankTableSize', `${RPDU}.2.1.5`, Asn.Integer, () => 0),
    scalar('rPDULoadDevMaxOutletTableSize', `${RPDU}.2.1.7`, Asn.Integer, () => 0),
    // Thresholds in amps; read-only here (read-write on a card).
    column('rPDULoadPhaseConfigIndex', `${RPDU}.2.2.1.1.1`, Asn.Integer, phase, (i) => i),
    column('rPDULoadPhaseConfigLowLoadThreshold', `${RPDU}.2.2.1.1.2`, Asn.Integer, phase, () => thresholds.low),
    column(
      'rPDULoadPhaseConfigNearOverloadThreshold',
      `${RPDU}.2.2.1.1.3`,
      Asn.Integer,
      phase,
      () => thresholds.nearOverload,
    ),
    column('rPDULoadPhaseConfigOverloadThreshold', `${RPDU}.2.2.1.1.4`, Asn.Integer, phase, () => thresholds.overload),
    // noLoadAlarm(1), underCurrentAlarm(2), nearOverCurrentAlarm(3), overCurrentAlarm(4): the same order as the load state.
    column('rPDULoadPhaseConfigAlarm', `${RPDU}.2.2.1.1.5`, Asn.Integer, phase, state),
    column('rPDULoadStatusIndex', `${RPDU}.2.3.1.1.1`, Asn.Integer, phase, (i) => i),
    column('rPDULoadStatusLoad', `${RPDU}.2.3.1.1.2`, Asn.Gauge32, phase, r.loadTenths),
    column('rPDULoadStatusLoadState', `${RPDU}.2.3.1.1.3`, Asn.Integer, phase, state),
    column('rPDULoadStatusPhaseNumber', `${RPDU}.2.3.1.1.4`, Asn.Integer, phase, (i) => i),
    column('rPDULoadStatusBankNumber', `${RPDU}.2.3.1.1.5`, Asn.Integer, phase, () => 0),

    scalar(
      'rPDUOutletDevCommand',
      `${RPDU}.3.1.1`,
      Asn.Integer,
      () => 1, // noCommandAll
      choice(
        (n) => RPDU_DEVICE_COMMANDS[n] !== undefined,
        (n, _index, by, user) => commandOutlets(device, outlets, RPDU_DEVICE_COMMANDS[n] as OutletCommand, by, user),
      ),
    ),
    scalar('rPDUOutletDevNumCntrlOutlets', `${RPDU}.3.1.3`, Asn.Integer, () => outlets.length),
    scalar('rPDUOutletDevNumTotalOutlets', `${RPDU}.3.1.4`, Asn.Integer, () => outlets.length),
    column('rPDUOutletControlIndex', `${RPDU}.3.3.1.1.1`, Asn.Integer, outlets, (p) => p),
    column('rPDUOutletControlOutletName', `${RPDU}.3.3.1.1.2`, Asn.OctetString, outlets, r.name),
    column('rPDUOutletControlOutletPhase', `${RPDU}.3.3.1.1.3`, Asn.Integer, outlets, () => 1),
    column(
      'rPDUOutletControlOutletCommand',
      `${RPDU}.3.3.1.1.4`,
      Asn.Integer,
      outlets,
      r.onOff,
      r.control(RPDU_COMMANDS),
    ),
    column('rPDUOutletConfigIndex', `${RPDU}.3.4.1.1.1`, Asn.Integer, outlets, (p) => p),
    column('rPDUOutletConfigOutletName', `${RPDU}.3.4.1.1.2`, Asn.OctetString, outlets, r.name, r.setName),
    column('rPDUOutletConfigOutletPhase', `${RPDU}.3.4.1.1.3`, Asn.Integer, outlets, () => 1),
    // The emulator keeps one delay per outlet; these read it and are read-only here (read-write on a card).
    column('rPDUOutletConfigPowerOnTime', `${RPDU}.3.4.1.1.4`, Asn.Integer, outlets, r.delaySeconds),
    column('rPDUOutletConfigPowerOffTime', `${RPDU}.3.4.1.1.5`, Asn.Integer, outlets, r.delaySeconds),
    column(
      'rPDUOutletConfigRebootDuration',
      `${RPDU}.3.4.1.1.6`,
      Asn.Integer,
      outlets,
      r.delaySeconds,
      r.setRebootDuration,
    ),
    column('rPDUOutletStatusIndex', `${RPDU}.3.5.1.1.1`, Asn.Integer, outlets, (p) => p),
    column('rPDUOutletStatusOutletName', `${RPDU}.3.5.1.1.2`, Asn.OctetString, outlets, r.name),
    column('rPDUOutletStatusOutletPhase', `${RPDU}.3.5.1.1.3`, Asn.Integer, outlets, () => 1),
    column('rPDUOutletStatusOutletState', `${RPDU}.3.5.1.1.4`, Asn.Integer, outlets, r.onOff),
    column('rPDUOutletStatusCommandPending', `${RPDU}.3.5.1.1.5`, Asn.Integer, outlets, r.pending),

    // rPDUStatus: no banks, one phase, no metered outlets.
    scalar('rPDUStatusBankTableSize', `${RPDU}.5.1`, Asn.Integer, () => 0),
    scalar('rPDUStatusPhaseTableSize', `${RPDU}.5.3`, Asn.Integer, () => unit.phases),
    column('rPDUStatusPhaseIndex', `${RPDU}.5.4.1.1`, Asn.Integer, phase, (i) => i),
    column('rPDUStatusPhaseNumber', `${RPDU}.5.4.1.2`, Asn.Integer, phase, (i) => i),
    column('rPDUStatusPhaseState', `${RPDU}.5.4.1.3`, Asn.Integer, phase, state),
    scalar('rPDUStatusOutletTableSize', `${RPDU}.5.5`, Asn.Integer, () => 0),
  ];
}

/** The 2G tables (rPDU2): identity, switched outlets and the phase, one module (index 1). */
function rPdu2Objects(device: ApcDevice, unit: ApcUnitIdentity, emit: (e: EmulatorEvent) => void): MibObject[] {
  const r = outletReaders(device);
  const { outlets } = r;
  const one = [1];
  const ident = `${RPDU2}.2.1`;
  const status = `${RPDU2}.9.2.3.1`;
  const control = `${RPDU2}.9.2.4.1`;
  const phase = `${RPDU2}.6.3.1`;
  const thresholds = defaultThresholds(unit);
  // rPDU2PhaseStatusLoadState: lowLoad(1), normal(2), nearOverload(3), overload(4).
  const state2 = () => [2, 2, 1, 3, 4][loadState(r.loadTenths(), thresholds)] as number;
  return [
    scalar('rPDU2IdentTableSize', `${RPDU2}.1`, Asn.Integer, () => 1),
    column('rPDU2IdentIndex', `${ident}.1`, Asn.Integer, one, (i) => i),
    column('rPDU2IdentModule', `${ident}.2`, Asn.Integer, one, (i) => i),
    column(
      'rPDU2IdentName',
      `${ident}.3`,
      Asn.OctetString,
      one,
      () => device.identity.name,
      identityWrite(device, emit, 'name', 'siteId'),
    ),
    column(
      'rPDU2IdentLocation',
      `${ident}.4`,
      Asn.OctetString,
      one,
      () => device.identity.location,
      identityWrite(device, emit, 'location', 'location'),
    ),
    column('rPDU2IdentHardwareRev', `${ident}.5`, Asn.OctetString, one, () => unit.hardwareRev),
    column('rPDU2IdentFirmwareRev', `${ident}.6`, Asn.OctetString, one, () => unit.app.version),
    column('rPDU2IdentDateOfManufacture', `${ident}.7`, Asn.OctetString, one, () => unit.manufactured),
    column('rPDU2IdentModelNumber', `${ident}.8`, Asn.OctetString, one, () => unit.model),
    column('rPDU2IdentSerialNumber', `${ident}.9`, Asn.OctetString, one, () => unit.serial),
    column(
      'rPDU2IdentContact',
      `${ident}.10`,
      Asn.OctetString,
      one,
      () => device.identity.contact,
      identityWrite(device, emit, 'contact', 'contact'),
    ),
    scalar('rPDU2PhaseTableSize', `${RPDU2}.5`, Asn.Integer, () => unit.phases),
    column('rPDU2PhaseStatusIndex', `${phase}.1`, Asn.Integer, one, (i) => i),
    column('rPDU2PhaseStatusModule', `${phase}.2`, Asn.Integer, one, () => 1),
    column('rPDU2PhaseStatusNumber', `${phase}.3`, Asn.Integer, one, (i) => i),
    column('rPDU2PhaseStatusLoadState', `${phase}.4`, Asn.Integer, one, state2),
    column('rPDU2PhaseStatusCurrent', `${phase}.5`, Asn.Integer, one, r.loadTenths),
    scalar('rPDU2OutletSwitchedTableSize', `${RPDU2}.9.1`, Asn.Integer, () => outlets.length),
    column('rPDU2OutletSwitchedStatusIndex', `${status}.1`, Asn.Integer, outlets, (p) => p),
    column('rPDU2OutletSwitchedStatusModule', `${status}.2`, Asn.Integer, outlets, () => 1),
    column('rPDU2OutletSwitchedStatusName', `${status}.3`, Asn.OctetString, outlets, r.name),
    column('rPDU2OutletSwitchedStatusNumber', `${status}.4`, Asn.Integer, outlets, (p) => p),
    // off(1), on(2): the other way round from rPDU.
    column('rPDU2OutletSwitchedStatusState', `${status}.5`, Asn.Integer, outlets, (p) => (r.isOn(p) ? 2 : 1)),
    column('rPDU2OutletSwitchedStatusCommandPending', `${status}.6`, Asn.Integer, outlets, r.pending),
    column('rPDU2OutletSwitchedControlIndex', `${control}.1`, Asn.Integer, outlets, (p) => p),
    column('rPDU2OutletSwitchedControlModule', `${control}.2`, Asn.Integer, outlets, () => 1),
    column('rPDU2OutletSwitchedControlName', `${control}.3`, Asn.OctetString, outlets, r.name),
    column('rPDU2OutletSwitchedControlNumber', `${control}.4`, Asn.Integer, outlets, (p) => p),
    column(
      'rPDU2OutletSwitchedControlCommand',
      `${control}.5`,
      Asn.Integer,
      outlets,
      r.onOff,
      r.control(RPDU2_COMMANDS),
    ),
  ];
}
