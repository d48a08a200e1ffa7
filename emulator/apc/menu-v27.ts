import type { ApcRole } from './apc-device.js';
import type { BannerFields } from './clock.js';
import { APC_UNITS, bannerHead } from './identity.js';
import {
  type ActionTarget,
  type MenuItem,
  type MenuPersonality,
  type MenuTree,
  type OutletAction,
  titleLine,
} from './menu-personality.js';

/**
 * The APC Switched Rack PDU menu, AOS v2.7.0 / Rack PDU APP v2.7.3, as data.
 *
 * Sources: docs/reference/apc.md §1–2 and the eight recordings in
 * apc-transcripts/ (an "Outlet User" driven by fence_apc over SSH). Every
 * string of the Outlet User path — banner, Control Console, Device Manager,
 * Outlet Control, the outlet screen, the Immediate On/Off dialogs, the pager —
 * is byte-exact from those recordings and replayed by
 * test/conformance/apc-replay.test.ts. Strings marked [unverified] were never
 * seen: the telnet login, the admin screens, Immediate Reboot, the delayed
 * commands, Cancel, help, the screens behind Network/System, logout.
 */

const EOL = '\r\n';
const WIDTH = 79;

/** `Name      : PDU-BAR                                   Date : …`: the left column is 54 wide. */
function bannerLine(label: string, value: string, right: string): string {
  // A value too long for its column is cut, keeping one blank before the right column [unverified].
  const shown = value.length > 41 ? `${value.slice(0, 41)} ` : value.padEnd(42);
  return `${label.padEnd(10)}: ${shown}${right}`;
}

/** The identity block shared by every AOS banner: mixed `\r\n` / `\n\r` line ends [rec]. */
export function identityBlock(f: BannerFields, stat: string): string {
  return (
    `${'-'.repeat(WIDTH)}\r\n` +
    `${bannerLine('Name', f.name, `Date : ${f.date}`)}\r\n` +
    `${bannerLine('Contact', f.contact, `Time : ${f.time}`)}\n\r` +
    `${bannerLine('Location', f.location, `User : ${f.user}`)}\n\r` +
    `${bannerLine('Up Time', f.upTime, `Stat : ${stat}`)}\r\n`
  );
}

/** The recorded unit: an AP7930 (identity.ts). */
const UNIT = APC_UNITS['rackpdu-v2.7'];

function banner(f: BannerFields): string {
  return `\n\n\n\r${bannerHead(UNIT)}${identityBlock(f, UNIT.stat)}\r\n${UNIT.product}: Communication Established`;
}

export const FOOTER = {
  main: '     <ESC>- Main Menu, <ENTER>- Refresh',
  back: '     <ESC>- Back, <ENTER>- Refresh',
  outlet: '     ?- Help, <ESC>- Back, <ENTER>- Refresh',
} as const;

export const ACTION_ITEMS: readonly MenuItem[] = [
  { label: 'Immediate On', to: { action: 'immediate-on' } },
  { label: 'Immediate Off', to: { action: 'immediate-off' } },
  { label: 'Immediate Reboot', to: { action: 'immediate-reboot' } },
  { label: 'Delayed On', to: { action: 'delayed-on' } },
  { label: 'Delayed Off', to: { action: 'delayed-off' } },
  { label: 'Delayed Reboot', to: { action: 'delayed-reboot' } },
  { label: 'Cancel', to: { action: 'cancel' } },
];

/** What `?` prints on an outlet screen [unverified]. */
export const ACTION_HELP: readonly string[] = [
  '        Immediate On     - turn the outlet on now',
  '        Immediate Off    - turn the outlet off now',
  '        Immediate Reboot - off, wait the reboot duration, on',
  '        Delayed On       - turn on after the outlet delay',
  '        Delayed Off      - turn off after the outlet delay',
  '        Delayed Reboot   - reboot after the outlet delay',
  '        Cancel           - drop delayed commands',
];

/** Screens the emulator does not model: they exist, so a person can look, and say so [unverified]. */
export function infoScreen(title: string) {
  return { kind: 'info', title, lines: ['     Not available on this emulated card.'], footer: FOOTER.back } as const;
}

/** "outlet 1 named '-'" or "all accessible outlets". */
function subject(t: ActionTarget): string {
  return t.number === null ? 'all accessible outlets' : `outlet ${t.number} named '${t.name}'`;
}

/** The text of each action dialog. Immediate On/Off are [rec]; the rest [unverified]. */
export function describeAction(action: OutletAction, t: ActionTarget): readonly string[] {
  switch (action) {
    case 'immediate-on':
      return ['This command will immediately turn', `${subject(t)} ON.`];
    case 'immediate-off':
      return ['This command will immediately turn', `${subject(t)} OFF.`];
    case 'immediate-reboot':
      return ['This command will immediately reboot', `${subject(t)}.`];
    case 'delayed-on':
      return ['This command will turn', `${subject(t)} ON`, `in ${t.delay} seconds.`];
    case 'delayed-off':
      return ['This command will turn', `${subject(t)} OFF`, `in ${t.delay} seconds.`];
    case 'delayed-reboot':
      return ['This command will reboot', `${subject(t)}`, `in ${t.delay} seconds.`];
    case 'cancel':
      return ['This command will cancel the pending', `commands of ${subject(t)}.`];
  }
}

/** Screen layout, pager and dialogs shared by the AOS v2 menus. */
export const V2_LAYOUT: Pick<MenuPersonality, 'screen' | 'pager' | 'dialog' | 'unnamed' | 'maxTyped' | 'maxLogin'> = {
  screen: {
    start: '\n\n\r',
    title: (text) => titleLine(text, WIDTH),
    afterTitle: '\r\n\r\n',
    eol: EOL,
    beforeFooter: EOL,
    prompt: '\r\n> ',
    item: (key, label) => `${String(key).padStart(6)}- ${label}`,
    field: (label, value) => `        ${label.padEnd(13)}: ${value}`,
    // A name as long as the column still keeps one blank before the state (fence_apc's row regex needs it).
    outletRow: (n, name, state) => `${String(n).padStart(6)}- ${name.padEnd(24)} ${state}`,
    allRow: (n, label) => `${String(n).padStart(6)}- ${label}`,
  },
  pager: {
    rows: 22,
    wait: '\r        Press <ENTER> to continue...',
    erase: `\r${' '.repeat(36)}\r`,
  },
  dialog: {
    start: EOL,
    rule: `        ${'-'.repeat(71)}`,
    title: (label) => `        ${label.padEnd(26)}`,
    describe: describeAction,
    indent: '        ',
    confirm: "        Enter 'YES' to continue or <ENTER> to cancel : ",
    issued: '        Command successfully issued.',
    pressEnter: '        Press <ENTER> to continue...',
    afterKey: EOL,
  },
  unnamed: (n) => `Outlet ${n}`, // [unverified]: the card's default outlet name
  maxTyped: 16, // [unverified]
  maxLogin: 64, // [unverified]
};

const CONSOLE_ITEMS: readonly MenuItem[] = [
  { label: 'Device Manager', to: { screen: 'device-manager' } },
  { label: 'Network', to: { screen: 'network' } },
  { label: 'System', to: { screen: 'system' } },
  { label: 'Logout', to: { logout: true } },
];

const COMMON_SCREENS = {
  console: { kind: 'menu', title: 'Control Console', items: CONSOLE_ITEMS, footer: FOOTER.main },
  network: infoScreen('Network'),
  system: infoScreen('System'),
} as const;

/** An "Outlet User" sees only Outlet Control [rec]. */
const OUTLET_USER_TREE: MenuTree = {
  top: 'console',
  screens: {
    ...COMMON_SCREENS,
    'device-manager': {
      kind: 'menu',
      title: 'Device Manager',
      items: [
        { label: 'Phase Monitor', to: { screen: 'phase' } },
        { label: 'Outlet Control', to: { screen: 'outlets' } },
        { label: 'Power Supply Status', to: { screen: 'power-supply' } },
      ],
      footer: FOOTER.back,
    },
    phase: infoScreen('Phase Monitor'),
    'power-supply': infoScreen('Power Supply Status'),
    outlets: {
      kind: 'outlets',
      title: 'Outlet Control',
      footer: FOOTER.back,
      outlet: 'outlet',
      all: { label: 'ALL Accessible Outlets', screen: 'outlet' },
    },
    outlet: {
      kind: 'outlet',
      fields: true,
      items: ACTION_ITEMS,
      itemWidth: 26,
      footer: FOOTER.outlet,
      help: ACTION_HELP,
    },
  },
};

/**
 * Administrators and device managers: `3- Outlet Control/Configuration`
 * (fence_apc keys on that text and on the 3), and an outlet screen that first
 * offers `1- Control Outlet` [code; screens unverified].
 */
const MANAGER_TREE: MenuTree = {
  top: 'console',
  screens: {
    ...COMMON_SCREENS,
    'device-manager': {
      kind: 'menu',
      title: 'Device Manager',
      items: [
        { label: 'Phase Management', to: { screen: 'phase' } },
        { label: 'Power Supply Status', to: { screen: 'power-supply' } },
        { label: 'Outlet Control/Configuration', to: { screen: 'outlets' } },
      ],
      footer: FOOTER.back,
    },
    phase: infoScreen('Phase Management'),
    'power-supply': infoScreen('Power Supply Status'),
    outlets: {
      kind: 'outlets',
      title: 'Outlet Control/Configuration',
      footer: FOOTER.back,
      outlet: 'outlet',
      all: { label: 'Master Control/Configuration', screen: 'outlet' },
    },
    outlet: {
      kind: 'outlet',
      fields: true,
      items: [
        { label: 'Control Outlet', to: { screen: 'control' } },
        { label: 'Configure Outlet', to: { screen: 'configure' } },
      ],
      itemWidth: 26,
      footer: FOOTER.outlet,
    },
    control: {
      kind: 'outlet',
      title: 'Control Outlet',
      fields: true,
      items: ACTION_ITEMS,
      itemWidth: 26,
      footer: FOOTER.outlet,
      help: ACTION_HELP,
    },
    configure: infoScreen('Configure Outlet'),
  },
};

export const rackPduMenuV27: MenuPersonality = {
  id: 'rackpdu-v2.7',
  follows: 'APC Switched Rack PDU AP7930, AOS v2.7.0 / Rack PDU APP v2.7.3; Outlet User screens from recordings',
  login: {
    greeting: '\r\n', // [unverified]
    user: 'User Name : ',
    afterUser: '\r\n',
    password: 'Password  : ',
    afterPassword: EOL,
    rejected: EOL, // [unverified]
    maxTries: 3, // [unverified]
    hangUp: EOL,
    emptyAsksAgain: true, // [unverified]
  },
  roleLabel: { admin: 'Administrator', device: 'Device Manager', outlet: 'Outlet User' },
  banner,
  tree: (role: ApcRole) => (role === 'outlet' ? OUTLET_USER_TREE : MANAGER_TREE),
  ...V2_LAYOUT,
  logout: '\r\n\r\nConnection Closed - Bye\r\n', // [unverified]
};
