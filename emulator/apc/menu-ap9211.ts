import type { BannerFields } from './clock.js';
import { APC_UNITS, bannerHead } from './identity.js';
import type { MenuPersonality, MenuTree } from './menu-personality.js';
import { ACTION_HELP, ACTION_ITEMS, FOOTER, identityBlock, infoScreen, V2_LAYOUT } from './menu-v27.js';

/**
 * The AP9211 MasterSwitch menu, as cluster-glue 1.0.12's `apcmaster` drives it.
 *
 * No recording of a real AP9211 exists here: the layout reuses the AOS v2
 * screens (apc-transcripts/), and only what apcmaster checks is firm
 * (docs/reference/apc.md §4, [code] and [verified] against a double):
 * - the card does not print `Escape character is '^]'.`: that line is a telnet
 *   client's, and apcmaster waits for it because it was written to sit behind
 *   one. Connected straight to the card, the real apcmaster gives up
 *   (docs/apc.md); the emulator's opt-in `telnetClientGreeting` (sessions.ts)
 *   puts the client's line in front, as a terminal server would;
 * - `American Power Conversion` in the banner means the login worked, and a
 *   second `User Name :` means it did not;
 * - `1` from the top menu lists the outlets at once: a `-----` title line,
 *   a blank line, rows `%d- %23c`, then a line of two characters or fewer.
 *   No "ALL Accessible Outlets" row: apcmaster would list it as a host;
 * - every screen ends with one `> ` and nothing else on it contains `> `, so
 *   each ESC apcmaster sends is answered by exactly one prompt;
 * - outlet → `1` Control Outlet → `1` on, `2` off, `3` Immediate Reboot, then
 *   `Enter 'YES' to continue` and `Press <ENTER> to continue`.
 * Every other string is [unverified].
 */

const UNIT = APC_UNITS['masterswitch-ap9211'];

function banner(f: BannerFields): string {
  return `\n\n\n\r${bannerHead(UNIT)}${identityBlock(f, UNIT.stat)}\r\n${UNIT.product}: Communication Established`;
}

const TREE: MenuTree = {
  top: 'console',
  screens: {
    console: {
      kind: 'menu',
      title: 'Control Console',
      items: [
        { label: 'Device Control', to: { screen: 'outlets' } },
        { label: 'Network', to: { screen: 'network' } },
        { label: 'System', to: { screen: 'system' } },
        { label: 'Logout', to: { logout: true } },
      ],
      footer: FOOTER.main,
    },
    network: infoScreen('Network'),
    system: infoScreen('System'),
    outlets: { kind: 'outlets', title: 'Device Control', footer: FOOTER.back, outlet: 'outlet' },
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

export const masterSwitchMenu: MenuPersonality = {
  id: 'ap9211',
  follows:
    'APC MasterSwitch AP9211, firmware v2.2.0, as cluster-glue apcmaster expects it; screens in the AOS v2 layout [unverified]',
  login: {
    greeting: '\r\n', // [unverified]
    user: 'User Name : ',
    afterUser: '\r\n',
    password: 'Password  : ',
    afterPassword: '\r\n',
    rejected: '\r\n',
    maxTries: 3,
    hangUp: '\r\n',
    emptyAsksAgain: true, // [unverified]
  },
  roleLabel: { admin: 'Administrator', device: 'Device Manager', outlet: 'Outlet User' },
  banner,
  tree: () => TREE,
  ...V2_LAYOUT,
  logout: '\r\n\r\nConnection Closed - Bye\r\n',
};
