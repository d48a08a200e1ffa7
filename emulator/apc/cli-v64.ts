import type { LoginTexts } from '../login.js';
import type { ApcRole } from './apc-device.js';
import type { BannerFields } from './clock.js';
import { APC_UNITS, bannerHead } from './identity.js';
import { identityBlock } from './menu-v27.js';

/**
 * The AOS v6 `apc>` command line of a Switched Rack PDU (AOS v6.4.6), as data.
 *
 * What is firm (docs/reference/apc.md §3, §5):
 * - `User Name : ` / `Password  : ` on telnet, as on every AOS card;
 * - the first `v<digits>.` of the banner is `v6.4.6`: fence_apc reads the digit
 *   before the first dot and picks its CLI dialect for 5, 6 or 7, so nothing
 *   earlier in the banner may look like `v<digit>.`;
 * - the prompt `apc>` at the start of a line (fence_apc waits for `\napc>`);
 * - `olStatus` rows ` 1: Outlet 1: On` (fence_apc's regex, case kept by list-status).
 * Everything else — the exact banner, the E-code wordings beyond E000/E101/E102,
 * the spacing, help, logout — is [unverified]: no v6 card was recorded.
 */
export interface CliPersonality {
  readonly id: string;
  readonly follows: string;
  /** User Name and Password; the front-end echoes the name and its line end, never the password. */
  readonly login: LoginTexts;
  readonly roleLabel: Readonly<Record<ApcRole, string>>;
  banner(f: BannerFields): string;
  readonly prompt: string;
  readonly eol: string;
  readonly codes: {
    success: string;
    notFound: string;
    parameter: string;
    commandLine: string;
  };
  statusRow(n: number, name: string, on: boolean): string;
  unnamed(n: number): string;
  readonly help: readonly string[];
  readonly bye: string;
  /** Words that end the session. */
  readonly exitWords: readonly string[];
}

/** A 2G Switched Rack PDU, AP8959 (identity.ts). */
const UNIT = APC_UNITS['rackpdu-2g-v6.4'];

function banner(f: BannerFields): string {
  return (
    `\r\n\r\n${bannerHead(UNIT)}${identityBlock(f, UNIT.stat)}\r\n` +
    'Type ? for command listing\r\n' +
    'Use tcpip command for IP address(-i), subnet(-s), and gateway(-g)\r\n'
  );
}

export const cliV64: CliPersonality = {
  id: 'rackpdu-cli-v6.4',
  follows: 'APC Switched Rack PDU, AOS v6.4.6 command line; only what fence_apc matches is firm',
  login: {
    greeting: '\r\n',
    user: 'User Name : ',
    password: 'Password  : ',
    afterPassword: '\r\n',
    rejected: '\r\n',
    maxTries: 3,
    hangUp: '\r\n',
    trimUser: true,
  },
  roleLabel: { admin: 'Super User', device: 'Device User', outlet: 'Outlet User' },
  banner,
  prompt: 'apc>',
  eol: '\r\n',
  codes: {
    success: 'E000: Success',
    notFound: 'E101: Command Not Found', // [unverified] wording
    parameter: 'E102: Parameter Error', // [unverified] wording
    commandLine: 'E103: Command Line Error', // [unverified] wording
  },
  statusRow: (n, name, on) => `${String(n).padStart(2)}: ${name}: ${on ? 'On' : 'Off'}`,
  unnamed: (n) => `Outlet ${n}`,
  help: [
    'System Commands:',
    '---------------------------------------------------------------------------',
    '?         bye       exit      help      quit      whoami',
    '',
    'Device Commands:',
    '---------------------------------------------------------------------------',
    'olOff     olOn      olReboot  olStatus',
    '',
    'Outlets: <all | # | #,# | #-# | name>',
  ],
  bye: 'Bye.', // [unverified]
  exitWords: ['exit', 'quit', 'bye'],
};
