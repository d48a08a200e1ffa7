import type { IloModel } from './ilo-device.js';

/**
 * What an iLO's SMASH CLP (the `</>hpiLO-> ` command line over SSH) prints, as
 * data. The session (smash-session.ts) renders every string from here and
 * spells none itself.
 *
 * What is firm (docs/reference/ilo.md §5, fence-agents 4.12.1 source):
 * - the prompt `</>hpiLO-> ` (fence_ilo_ssh and fence_ilo_mp wait for `hpiLO->`);
 * - `EnabledState=(.*)`, matched case-insensitively after `show /system1`: a
 *   value starting with `enabled` is on, anything else off. Here it is
 *   `enabledstate=enabled` / `enabledstate=disabled` in the Properties list.
 *
 * What follows public transcripts of iLO 2, 3 and 4 sessions, but no recording
 * of ours, so it is [unverified] in its details (blank-line counts, spacing):
 * - the status block `status=0` / `status_tag=COMMAND COMPLETED`, then the
 *   iLO's date (`Wed Sep 26 15:31:57 2018`), then blank lines, then the output;
 * - the `/system1` listing as Targets / Properties / Verbs;
 * - the login banner `User:… logged-in to ILO…`, product and firmware line,
 *   `Server Name:`, `Server Power:`;
 * - `power: server power is currently: On`, `Server powering on .......`,
 *   `Forcing server power off .......`, `Server resetting .......`.
 *
 * Invented outright, marked [invented] below: the serial numbers and server
 * product names per model, the property values other than enabledstate, the
 * "already on/off" refusals, the error tags other than COMMAND NOT RECOGNIZED
 * (taken from the DMTF SM CLP vocabulary), and the help text.
 */
export interface SmashStatus {
  status: number;
  tag: string;
  /** `error_tag=…`, on failures only. */
  error?: string;
}

export interface SmashBannerFields {
  user: string;
  /** The iLO's own DNS name, `ILO` + the server's serial number. */
  iloName: string;
  /** The address the client reached, when the front-end knows it. */
  address: string | null;
  license: string;
  firmware: string;
  firmwareDate: string;
  serverName: string;
  on: boolean;
}

export interface SmashServer {
  /** `name=` in `show /system1`. [invented] */
  product: string;
  /** The server serial; the iLO names itself `ILO<serial>`. [invented] */
  serial: string;
}

export interface SmashClpPersonality {
  readonly id: string;
  readonly follows: string;
  readonly prompt: string;
  readonly eol: string;
  banner(f: SmashBannerFields): readonly string[];
  /** The iLO's clock as a status block prints it. */
  date(d: Date): string;
  /** Blank lines between the status block and the output, and after the output. */
  readonly blanksAfterStatus: number;
  readonly blanksAfterOutput: number;
  readonly statuses: {
    completed: SmashStatus;
    notRecognized: SmashStatus;
    invalidTarget: SmashStatus;
    invalidOption: SmashStatus;
    failed: SmashStatus;
  };
  /** The one target with power: its path, children, properties and verbs. */
  readonly system: {
    path: string;
    targets: readonly string[];
    properties(f: { server: SmashServer; serverName: string; on: boolean }): readonly (readonly [string, string])[];
    verbs: string;
  };
  readonly root: { path: string; targets: readonly string[]; verbs: string };
  readonly text: {
    poweringOn: string;
    poweringOff: string;
    forcingOff: string;
    resetting: string;
    currently(on: boolean): string;
    alreadyOn: string;
    alreadyOff: string;
  };
  readonly help: readonly string[];
  /** The `enabledstate` property's name and values, which fence_ilo_ssh reads. */
  readonly enabledState: { name: string; on: string; off: string };
  readonly servers: Readonly<Record<IloModel, SmashServer>>;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const two = (n: number) => String(n).padStart(2, '0');

export const smashClp: SmashClpPersonality = {
  id: 'ilo-smash-clp',
  follows:
    'HP iLO 2–5 SMASH CLP over SSH, as fence_ilo_ssh / fence_ilo_mp 4.12.1 drive it; layout from public transcripts',
  prompt: '</>hpiLO-> ',
  eol: '\r\n',

  banner: (f) => [
    '',
    `User:${f.user} logged-in to ${f.iloName}${f.address ? `(${f.address})` : ''}`,
    // Two spaces after "at": iLO 3 and later print no time there [unverified].
    `${f.license} ${f.firmware} at  ${f.firmwareDate}`,
    `Server Name: ${f.serverName}`,
    `Server Power: ${f.on ? 'On' : 'Off'}`,
    '',
  ],

  // `Wed Sep 26 15:31:57 2018`; a one-digit day is zero-padded [unverified].
  date: (d) =>
    `${DAYS[d.getDay()]} ${MONTHS[d.getMonth()]} ${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())} ${d.getFullYear()}`,
  blanksAfterStatus: 3,
  blanksAfterOutput: 2,

  statuses: {
    completed: { status: 0, tag: 'COMMAND COMPLETED' },
    notRecognized: { status: 2, tag: 'COMMAND PROCESSING FAILED', error: 'COMMAND NOT RECOGNIZED' }, // [unverified]
    invalidTarget: { status: 2, tag: 'COMMAND PROCESSING FAILED', error: 'INVALID TARGET' }, // [invented] DMTF term
    invalidOption: { status: 2, tag: 'COMMAND PROCESSING FAILED', error: 'INVALID OPTION' }, // [invented] DMTF term
    failed: { status: 2, tag: 'COMMAND PROCESSING FAILED', error: 'COMMAND ERROR-UNSPECIFIED' }, // [unverified]
  },

  system: {
    path: '/system1',
    targets: [
      'firmware1',
      'bootconfig1',
      'log1',
      'led1',
      'network1',
      'oemhp_vsp1',
      'oemhp_power1',
      'cpu1',
      'memory1',
      'slot1',
      'fan1',
    ],
    // [invented] values beside name, serial, server name and enabledstate.
    properties: ({ server, serverName, on }) => [
      ['name', server.product],
      ['number', server.serial],
      ['oemhp_server_name', serverName],
      ['enabledstate', on ? 'enabled' : 'disabled'],
      ['processor_number', '2'],
      ['pstate', '0'],
      ['oemhp_powerreg', 'dynamic'],
      ['oemhp_auto_pwr', 'restore'],
    ],
    verbs: 'cd version exit show reset start stop',
  },
  root: { path: '/', targets: ['system1', 'map1'], verbs: 'cd version exit show' },

  text: {
    poweringOn: 'Server powering on .......',
    poweringOff: 'Server powering off .......', // [unverified] for a graceful stop
    forcingOff: 'Forcing server power off .......',
    resetting: 'Server resetting .......',
    currently: (on) => `power: server power is currently: ${on ? 'On' : 'Off'}`,
    alreadyOn: 'Server power already on.', // [unverified]
    alreadyOff: 'Server power already off.', // [unverified]
  },

  // [invented] wording; it must not contain "hpiLO->" or "EnabledState=".
  help: [
    'SMASH CLP commands:',
    '  show [target] [property]   show a target: /system1, /system1 enabledstate',
    '  start /system1             power the server on',
    '  stop [-f] /system1         power the server off (gracefully, or forced with -f)',
    '  reset /system1 [hard]      power-cycle the server',
    '  power [on | off [hard] | reset]',
    '  exit                       end the session',
  ],

  enabledState: { name: 'enabledstate', on: 'enabled', off: 'disabled' },

  servers: {
    ilo2: { product: 'ProLiant DL380 G6', serial: 'CZC0000002' }, // [invented]
    ilo3: { product: 'ProLiant DL380 G7', serial: 'CZC0000003' }, // [invented]
    ilo4: { product: 'ProLiant DL360 Gen9', serial: 'CZJ0000004' }, // [invented]
    ilo5: { product: 'ProLiant DL360 Gen10', serial: 'CZJ0000005' }, // [invented]
  },
};
