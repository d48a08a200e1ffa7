import type { ApcFirmware, ApcModel } from './apc-device.js';

/**
 * Which real unit each APC personality is, in one place: the telnet banners
 * (menu-v27.ts, menu-ap9211.ts, cli-v64.ts) and the SNMP identity objects
 * (snmp-mib.ts) are all rendered from these tables, so a banner, sysDescr,
 * sysObjectID and rPDUIdentModelNumber can never name two different units.
 *
 * Evidence, per personality (docs/apc.md "Which real unit"):
 * - rackpdu-v2.7: the recorded card (test/fixtures/apc-transcripts: AOS
 *   v2.7.0, Rack PDU APP v2.7.3, 24 outlets, Red Hat's Brno lab) is, by every
 *   sign, the AP7930 that fence_apc_snmp 4.12.1 names in its "tested on"
 *   header with exactly that firmware pair: `MB:v3.7.0 PF:v2.7.0
 *   PN:apc_hw02_aos_270.bin AF1:v2.7.3 AN1:apc_hw02_rpdu_273.bin MN:AP7930 HR:B2`.
 *   PowerNet-MIB's masterSwitchrPDU (.1.3.6.1.4.1.318.1.3.4.5).
 * - rackpdu-2g-v6.4: "RPDU 2g APP v6.4.6" is a second-generation Switched
 *   Rack PDU (AP89xx) on an NMC2 (hw05). Public walks of 2G units read
 *   `MB:v4.1.0 PF:v6.x PN:apc_hw05_aos_6xx.bin … AN1:apc_hw05_rpdu2g_6xx.bin
 *   MN:AP89xx HR:02` with sysObjectID masterSwitchrPDU2 (.1.3.6.1.4.1.318.1.3.4.6);
 *   the AP8959 (24 outlets) is one of them. fence_apc_snmp maps .4.6 to its
 *   "firmware 6" class, which reads the sPDU tables and writes the rPDU
 *   control column, so a 2G card serves rPDU2, rPDU and sPDU.
 * - masterswitch-ap9211: the first MasterSwitch, firmware 2.x, serving only
 *   the sPDU tables; sysObjectID masterSwitchV2 (.1.3.6.1.4.1.318.1.3.4.2)
 *   [inferred: PowerNet-MIB names the MasterSwitch IDs by firmware generation].
 *   Its sysDescr follows the pre-AOS "APC Embedded PowerNet SNMP Agent (SW …)"
 *   layout seen on SNMP cards of that era [unverified for an AP9211].
 * Serial numbers and manufacture dates are invented but shaped like real ones
 * [unverified], as are the 2G unit's hardware details marked below.
 */
export type ApcPersonalityId = 'rackpdu-v2.7' | 'rackpdu-2g-v6.4' | 'masterswitch-ap9211';

/** PowerNet-MIB generations a unit serves: sPDU (.318.1.1.4), rPDU (.318.1.1.12), rPDU2 (.318.1.1.26). */
export type MibGeneration = 'sPDU' | 'rPDU' | 'rPDU2';

export interface ApcUnitIdentity {
  readonly personality: ApcPersonalityId;
  /** What the banner's last line and the docs call the product. */
  readonly product: string;
  readonly model: string;
  readonly hardwareRev: string;
  readonly serial: string;
  /** mm/dd/yyyy, as the identity objects give it. */
  readonly manufactured: string;
  /** Banner line 1, left: the maker as the firmware spells it. */
  readonly vendor: string;
  /** Banner line 2, left. */
  readonly copyright: string;
  /** The operating system and the application, as the banner names them, and their firmware files. */
  readonly aos: { readonly name: string; readonly version: string; readonly file: string };
  readonly app: { readonly name: string; readonly version: string; readonly file: string };
  /** Boot monitor revision (sysDescr MB:). */
  readonly bootMonitor: string;
  /** Dotted, without the leading dot. */
  readonly sysObjectID: string;
  readonly sysObjectName: string;
  readonly mibs: readonly MibGeneration[];
  /** Outlets of the real unit: the emulator's default count. */
  readonly outlets: number;
  /** Input rating in amps (rPDUIdentDeviceRating, rPDULoadDevMaxPhaseLoad). */
  readonly ratingAmps: number;
  readonly phases: number;
  /** The banner's `Stat :` field. */
  readonly stat: string;
  readonly sysDescr: string;
}

const APC = '1.3.6.1.4.1.318';

/** The AOS Network Management Card layout of sysDescr (NMC1 and NMC2 alike). */
function nmcDescr(u: Omit<ApcUnitIdentity, 'sysDescr'>): string {
  return (
    `APC Web/SNMP Management Card (MB:${u.bootMonitor} PF:${u.aos.version} PN:${u.aos.file} ` +
    `AF1:${u.app.version} AN1:${u.app.file} MN:${u.model} HR:${u.hardwareRev} SN: ${u.serial} MD:${u.manufactured})`
  );
}

function unit(u: Omit<ApcUnitIdentity, 'sysDescr'>, descr: (u: Omit<ApcUnitIdentity, 'sysDescr'>) => string) {
  return Object.freeze({ ...u, sysDescr: descr(u) });
}

export const APC_UNITS: Readonly<Record<ApcPersonalityId, ApcUnitIdentity>> = {
  'rackpdu-v2.7': unit(
    {
      personality: 'rackpdu-v2.7',
      product: 'Switched Rack PDU',
      model: 'AP7930',
      hardwareRev: 'B2',
      serial: 'ZA0731012345', // [unverified]
      manufactured: '07/30/2007', // [unverified]
      vendor: 'American Power Conversion',
      copyright: '(c) Copyright 2004 All Rights Reserved',
      aos: { name: 'Network Management Card AOS', version: 'v2.7.0', file: 'apc_hw02_aos_270.bin' },
      app: { name: 'Rack PDU APP', version: 'v2.7.3', file: 'apc_hw02_rpdu_273.bin' },
      bootMonitor: 'v3.7.0',
      sysObjectID: `${APC}.1.3.4.5`,
      sysObjectName: 'masterSwitchrPDU',
      mibs: ['rPDU', 'sPDU'],
      outlets: 24,
      ratingAmps: 24, // [unverified] the AP7930's input rating
      phases: 1,
      stat: 'P+ N+ A+',
    },
    nmcDescr,
  ),
  'rackpdu-2g-v6.4': unit(
    {
      personality: 'rackpdu-2g-v6.4',
      product: 'Switched Rack PDU',
      model: 'AP8959',
      hardwareRev: '02',
      serial: '5A1615E01234', // [unverified]
      manufactured: '04/12/2016', // [unverified]
      vendor: 'Schneider Electric',
      copyright: '(c) Copyright 2016 All Rights Reserved',
      aos: { name: 'Network Management Card AOS', version: 'v6.4.6', file: 'apc_hw05_aos_646.bin' },
      app: { name: 'RPDU 2g APP', version: 'v6.4.6', file: 'apc_hw05_rpdu2g_646.bin' },
      bootMonitor: 'v4.1.0',
      sysObjectID: `${APC}.1.3.4.6`,
      sysObjectName: 'masterSwitchrPDU2',
      mibs: ['rPDU2', 'rPDU', 'sPDU'],
      outlets: 24,
      ratingAmps: 16, // [unverified] the AP8959's input rating
      phases: 1,
      stat: 'P+ N4+ N6+ A+',
    },
    nmcDescr,
  ),
  'masterswitch-ap9211': unit(
    {
      personality: 'masterswitch-ap9211',
      product: 'MasterSwitch',
      model: 'AP9211',
      hardwareRev: 'B2', // [unverified]
      serial: 'WA9919012345', // [unverified]
      manufactured: '05/12/1999', // [unverified]
      vendor: 'American Power Conversion',
      copyright: '(c) Copyright 1999 All Rights Reserved',
      aos: { name: 'MasterSwitch AOS', version: 'v2.2.0', file: '' },
      app: { name: 'MasterSwitch APP', version: 'v2.2.0', file: '' },
      bootMonitor: '',
      sysObjectID: `${APC}.1.3.4.2`,
      sysObjectName: 'masterSwitchV2',
      mibs: ['sPDU'],
      outlets: 8,
      ratingAmps: 15, // [unverified]
      phases: 1,
      stat: 'P+ N+ A+',
    },
    // The embedded agent's layout, as an SNMP card of the same era printed it [unverified for an AP9211].
    (u) =>
      `APC Embedded PowerNet SNMP Agent (SW ${u.aos.version}, HW v${u.hardwareRev}, Mod: ${u.model}, ` +
      `Mfg ${u.manufactured}, SN: ${u.serial})`,
  ),
};

/** The personality a card runs: the AP9211 whatever its firmware setting, else the Rack PDU of that firmware. */
export function personalityOf(model: ApcModel, firmware: ApcFirmware): ApcPersonalityId {
  if (model === 'apc-masterswitch') return 'masterswitch-ap9211';
  return firmware === '6.4' ? 'rackpdu-2g-v6.4' : 'rackpdu-v2.7';
}

export function unitOf(model: ApcModel, firmware: ApcFirmware): ApcUnitIdentity {
  return APC_UNITS[personalityOf(model, firmware)];
}

/**
 * The first two banner lines every AOS banner starts with: maker and OS on
 * the first, copyright and application on the second, the left column 40
 * wide and the name 33, then the version (the v2.7 recordings [rec]).
 */
export function bannerHead(u: ApcUnitIdentity): string {
  return (
    `${u.vendor.padEnd(40)}${u.aos.name.padEnd(33)}${u.aos.version}\r\n` +
    `${u.copyright.padEnd(40)}${u.app.name.padEnd(33)}${u.app.version}\r\n`
  );
}
