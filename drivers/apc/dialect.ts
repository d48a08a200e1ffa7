/**
 * What the APC driver sends to a Network Management Card and what it waits
 * for, in both of the card's text interfaces. Follows what fence_apc 4.12.1
 * and cluster-glue apcmaster accept from real cards and the recordings of a
 * Rack PDU on AOS v2.7.0 (docs/reference/apc.md §1–§5); tested against
 * the fencekit APC emulator (menu v2.7, CLI v6.4).
 */
export const APC = {
  userPrompt: /User Name\s*:/,
  passwordPrompt: /Password\s*:/,
  /** The menu prompt: "> " at the start of a line. */
  menuPrompt: /(?:^|[\r\n])> /,
  /** The AOS v5+ command line. */
  cliPrompt: /(?:^|[\r\n])apc>/,
  /** AOS version on the banner: its major picks menu (≤ 4) or command line (≥ 5), as fence_apc does. */
  version: /\bv(\d+)\./,
  pager: /Press <ENTER> to continue\.\.\./,
  confirmYes: /Enter 'YES' to continue or <ENTER> to cancel :/,
  enter: '\r',
  ctrlC: '\x03',
  yes: 'YES',
  logoutItem: '4',
  /** Device Manager entries that lead to the outlets, by firmware variant. */
  outletMenus: {
    v3: /Outlet Management/,
    v2Admin: /(\d+)- Outlet Control\/Configuration/,
    v2User: /(\d+)- Outlet Control\b/,
  },
  /** A row of the outlet list (`    10- Saturnin                 ON`): tells it from the Device Manager. */
  outletRow: /^\s*\d+- .*\s(?:ON|OFF)\s*$/m,
  /** Outlet screen items (admin and v3 screens first offer "1- Control Outlet"). */
  controlOutlet: /1- Control Outlet/,
  immediateOn: '1',
  immediateOff: '2',
  cli: {
    status: 'olStatus all',
    on: (n: number) => `olOn ${n}`,
    off: (n: number) => `olOff ${n}`,
    logout: 'exit',
    /** "E000: Success"; any other E-code is a refusal. */
    result: /\bE(\d{3}):\s*([^\r\n]*)/,
  },
} as const;

export type ApcMode = 'menu' | 'cli';
