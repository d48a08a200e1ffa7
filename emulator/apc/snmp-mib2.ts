/**
 * The MIB-II groups an APC card answers (RFC 1213; SNMPv2-MIB for the two
 * counters it added): `system`, `interfaces` with the card's one Ethernet
 * port, and `snmp`, whose counters count what the agent really received and
 * sent (snmp-stats.ts). Monitoring tools walk these before any PowerNet-MIB
 * object. OIDs checked against RFC1213-MIB and SNMPv2-MIB with snmptranslate.
 *
 * [unverified]: ifDescr's text and the MAC address (APC's OUI 00:C0:B7 with
 * an invented tail); the interface is up since the agent started.
 */
import type { EmulatorEvent } from '../events.js';
import type { ApcDevice, ApcIdentity } from './apc-device.js';
import type { ApcUnitIdentity } from './identity.js';
import { Asn, column, type MibObject, type MibWrite, scalar, text } from './snmp-mib.js';
import { counter32, type SnmpStats } from './snmp-stats.js';

const SYSTEM = '1.3.6.1.2.1.1';
const INTERFACES = '1.3.6.1.2.1.2';
const SNMP = '1.3.6.1.2.1.11';

/** A writable identity string (sysName, rPDUIdentName…): the card keeps one value behind every object that shows it. */
export function identityWrite(
  device: ApcDevice,
  emit: (e: EmulatorEvent) => void,
  what: keyof ApcIdentity,
  event: string,
): MibWrite {
  return text(255, (value, _index, by) => {
    if (device.identity[what] === value) return;
    device.identity = { ...device.identity, [what]: value };
    emit({ type: 'setting', what: event, by });
  });
}

export interface Mib2Options {
  unit: ApcUnitIdentity;
  device: ApcDevice;
  /** Hundredths of a second since the agent started (sysUpTime). */
  uptime: () => number;
  emit: (e: EmulatorEvent) => void;
  stats: SnmpStats;
}

/** 00:C0:B7 is APC's; the rest is made up [unverified]. */
const MAC = Buffer.from([0x00, 0xc0, 0xb7, 0x5a, 0x10, 0x21]);

export function mib2Objects({ unit, device, uptime, emit, stats }: Mib2Options): MibObject[] {
  const ticks = () => Math.floor(uptime()) >>> 0;
  const c = (n: () => number) => () => counter32(n());
  const one = [1];
  const system: MibObject[] = [
    scalar('sysDescr', `${SYSTEM}.1`, Asn.OctetString, () => unit.sysDescr),
    scalar('sysObjectID', `${SYSTEM}.2`, Asn.ObjectIdentifier, () => unit.sysObjectID),
    scalar('sysUpTime', `${SYSTEM}.3`, Asn.TimeTicks, ticks),
    scalar(
      'sysContact',
      `${SYSTEM}.4`,
      Asn.OctetString,
      () => device.identity.contact,
      identityWrite(device, emit, 'contact', 'contact'),
    ),
    scalar(
      'sysName',
      `${SYSTEM}.5`,
      Asn.OctetString,
      () => device.identity.name,
      identityWrite(device, emit, 'name', 'siteId'),
    ),
    scalar(
      'sysLocation',
      `${SYSTEM}.6`,
      Asn.OctetString,
      () => device.identity.location,
      identityWrite(device, emit, 'location', 'location'),
    ),
    scalar('sysServices', `${SYSTEM}.7`, Asn.Integer, () => 72),
  ];

  const ifEntry = `${INTERFACES}.2.1`;
  const zero = () => 0;
  const interfaces: MibObject[] = [
    scalar('ifNumber', `${INTERFACES}.1`, Asn.Integer, () => 1),
    column('ifIndex', `${ifEntry}.1`, Asn.Integer, one, () => 1),
    column('ifDescr', `${ifEntry}.2`, Asn.OctetString, one, () => 'veth0'),
    column('ifType', `${ifEntry}.3`, Asn.Integer, one, () => 6), // ethernetCsmacd
    column('ifMtu', `${ifEntry}.4`, Asn.Integer, one, () => 1500),
    column('ifSpeed', `${ifEntry}.5`, Asn.Gauge32, one, () => 100_000_000),
    column('ifPhysAddress', `${ifEntry}.6`, Asn.OctetString, one, () => MAC),
    column('ifAdminStatus', `${ifEntry}.7`, Asn.Integer, one, () => 1), // up
    column('ifOperStatus', `${ifEntry}.8`, Asn.Integer, one, () => 1), // up
    column('ifLastChange', `${ifEntry}.9`, Asn.TimeTicks, one, zero),
    column(
      'ifInOctets',
      `${ifEntry}.10`,
      Asn.Counter32,
      one,
      c(() => stats.inOctets),
    ),
    column(
      'ifInUcastPkts',
      `${ifEntry}.11`,
      Asn.Counter32,
      one,
      c(() => stats.inPkts),
    ),
    column('ifInNUcastPkts', `${ifEntry}.12`, Asn.Counter32, one, zero),
    column('ifInDiscards', `${ifEntry}.13`, Asn.Counter32, one, zero),
    column('ifInErrors', `${ifEntry}.14`, Asn.Counter32, one, zero),
    column('ifInUnknownProtos', `${ifEntry}.15`, Asn.Counter32, one, zero),
    column(
      'ifOutOctets',
      `${ifEntry}.16`,
      Asn.Counter32,
      one,
      c(() => stats.outOctets),
    ),
    column(
      'ifOutUcastPkts',
      `${ifEntry}.17`,
      Asn.Counter32,
      one,
      c(() => stats.outPkts),
    ),
    column('ifOutNUcastPkts', `${ifEntry}.18`, Asn.Counter32, one, zero),
    column('ifOutDiscards', `${ifEntry}.19`, Asn.Counter32, one, zero),
    column('ifOutErrors', `${ifEntry}.20`, Asn.Counter32, one, zero),
    column('ifOutQLen', `${ifEntry}.21`, Asn.Gauge32, one, zero),
    column('ifSpecific', `${ifEntry}.22`, Asn.ObjectIdentifier, one, () => '0.0'),
  ];

  // RFC 1213 §6.11; .7 and .23 are not assigned. The agent receives no responses or traps, so those In counters stay 0.
  const counters: [string, number, () => number][] = [
    ['snmpInPkts', 1, () => stats.inPkts],
    ['snmpOutPkts', 2, () => stats.outPkts],
    ['snmpInBadVersions', 3, zero],
    ['snmpInBadCommunityNames', 4, () => stats.inBadCommunityNames],
    ['snmpInBadCommunityUses', 5, () => stats.inBadCommunityUses],
    ['snmpInASNParseErrs', 6, () => stats.inAsnParseErrs],
    ['snmpInTooBigs', 8, zero],
    ['snmpInNoSuchNames', 9, zero],
    ['snmpInBadValues', 10, zero],
    ['snmpInReadOnlys', 11, zero],
    ['snmpInGenErrs', 12, zero],
    ['snmpInTotalReqVars', 13, () => stats.inTotalReqVars],
    ['snmpInTotalSetVars', 14, () => stats.inTotalSetVars],
    ['snmpInGetRequests', 15, () => stats.inGetRequests],
    ['snmpInGetNexts', 16, () => stats.inGetNexts],
    ['snmpInSetRequests', 17, () => stats.inSetRequests],
    ['snmpInGetResponses', 18, zero],
    ['snmpInTraps', 19, zero],
    ['snmpOutTooBigs', 20, () => stats.outTooBigs],
    ['snmpOutNoSuchNames', 21, () => stats.outNoSuchNames],
    ['snmpOutBadValues', 22, () => stats.outBadValues],
    ['snmpOutGenErrs', 24, () => stats.outGenErrs],
    ['snmpOutGetRequests', 25, zero],
    ['snmpOutGetNexts', 26, zero],
    ['snmpOutSetRequests', 27, zero],
    ['snmpOutGetResponses', 28, () => stats.outGetResponses],
    ['snmpOutTraps', 29, zero],
  ];
  const snmp: MibObject[] = [
    ...counters.map(([name, n, get]) => scalar(name, `${SNMP}.${n}`, Asn.Counter32, c(get))),
    // disabled(2): the emulator sends no traps. Read-only here, read-write on a card.
    scalar('snmpEnableAuthenTraps', `${SNMP}.30`, Asn.Integer, () => 2),
    scalar(
      'snmpSilentDrops',
      `${SNMP}.31`,
      Asn.Counter32,
      c(() => stats.silentDrops),
    ),
    scalar('snmpProxyDrops', `${SNMP}.32`, Asn.Counter32, zero),
  ];

  return [...system, ...interfaces, ...snmp];
}
