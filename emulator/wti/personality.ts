/**
 * What a WTI unit prints, as data. A personality is a firmware profile: its
 * banner, prompt, messages, table layout and help. The menu session renders
 * from it and never spells a device string itself, so a new profile is mostly
 * a new entry here.
 *
 * Sources: docs/reference/wti-ips800.md. Strings the real clients match
 * (Password:, " Power Switch", the prompt, "Processing - please wait", the
 * table) are byte-exact there; the help text, the /G and /P menus and the
 * error wordings are not known from a real IPS-800 and are marked [unverified].
 */
export interface WtiPersonality {
  readonly id: string;
  /** The firmware this profile follows, and how sure we are of it. */
  readonly follows: string;
  readonly product: string;
  readonly firmware: string;
  readonly siteLabel: string;
  /** Spaces between the firmware version and the site label on the banner line. */
  readonly bannerGap: string;
  readonly prompt: string;
  readonly plugCount: number;
  /** Boot/sequence delays the /P menu offers, in seconds. */
  readonly delayChoices: readonly number[];
  readonly text: WtiTexts;
  readonly help: readonly string[];
}

export interface WtiTexts {
  passwordPrompt: string;
  invalidPassword: string;
  invalidCommand: string;
  invalidPlug: string;
  invalidEntry: string;
  sure: string;
  aborted: string;
  processing: string;
  undefinedValue: string;
  definedValue: string;
  generalTitle: string;
  plugTitle: (plug: number) => string;
  menuChoice: string;
  newValue: (label: string) => string;
}

/** The /S table: titles and widths between the pipes (5 | 18 | 13 | 8 | 17 | 9), from the NPS v2.12 capture. */
export const STATUS_COLUMNS = [
  { title: 'Plug ', width: 5 },
  { title: ' Name', width: 18 },
  { title: ' Password', width: 13 },
  { title: ' Status', width: 8 },
  { title: ' Boot/Seq. Delay', width: 17 },
  { title: ' Default', width: 9 },
] as const;

/** Longest plug name, plug password and site ID the unit stores [manual]. */
export const NAME_MAX = 16;

const commonTexts: WtiTexts = {
  passwordPrompt: 'Password: ',
  invalidPassword: 'Invalid password',
  invalidCommand: 'Invalid Command',
  invalidPlug: 'Invalid Plug', // [unverified]
  invalidEntry: 'Invalid Entry', // [unverified]
  sure: 'Sure? (Y/N): ',
  aborted: 'Command Aborted', // [unverified]
  // Lower-case "please": cluster-glue's wti_nps looks for "rocessing - please wait".
  processing: 'Processing - please wait',
  undefinedValue: '(undefined)',
  definedValue: '(defined)', // [unverified]
  generalTitle: 'GENERAL PARAMETERS:',
  plugTitle: (plug) => `PLUG ${plug} PARAMETERS:`,
  menuChoice: 'Enter selection, or press <Enter> to exit: ',
  newValue: (label) => `Enter new ${label}: `,
};

/**
 * [unverified] wording. Kept to one short screen on purpose: cluster-glue's
 * wti_nps leaves the answer to its /h unread and scans it byte by byte (logging
 * each byte under -d) inside the 5 s it allows for "Processing" after /BOOT.
 * It must contain neither a prompt ("PS>") nor "-----+", which clients key on.
 */
const commonHelp = [
  '/S            status         /ON <n> [,Y]    plug(s) on',
  '/G            general setup  /OFF <n> [,Y]   plug(s) off',
  '/P <n>        plug setup     /BOOT <n> [,Y]  off, delay, on',
  '/H            this help      /D [,Y]         power-up defaults',
  '/X [,Y]       disconnect',
  '<n>: 3, name, web*, 1+3, 1,3, 1:4, *',
];

export const personalities = {
  ips800: {
    id: 'ips800',
    follows: 'WTI IPS-800-CE v1.40h, as fence_wti and cluster-glue wti_nps drive it; table layout of NPS v2.12',
    product: 'Internet Power Switch',
    firmware: 'v1.40h',
    siteLabel: 'Site ID',
    bannerGap: '    ',
    prompt: 'IPS> ',
    plugCount: 8,
    delayChoices: [0.5, 1, 2, 5, 10, 15, 30, 60],
    text: commonTexts,
    help: commonHelp,
  },
  nps: {
    id: 'nps',
    follows: 'WTI NPS-115/230 v2.12 (public capture of its banner and table)',
    product: 'Network Power Switch',
    firmware: 'v2.12',
    siteLabel: 'Site',
    bannerGap: '     ',
    prompt: 'NPS> ',
    plugCount: 8,
    delayChoices: [0.5, 1, 2, 5, 10, 15, 30, 60],
    text: commonTexts,
    help: commonHelp,
  },
  nps16: {
    id: 'nps16',
    follows: 'WTI NPS with 16 plugs: the public NPS v2.12 capture lists 16 (InfeedA_Outlet1..8, InfeedB_Outlet1..8)',
    product: 'Network Power Switch',
    firmware: 'v2.12',
    siteLabel: 'Site',
    bannerGap: '     ',
    prompt: 'NPS> ',
    plugCount: 16,
    delayChoices: [0.5, 1, 2, 5, 10, 15, 30, 60],
    text: commonTexts,
    help: commonHelp,
  },
  // The models below are known from their prompts only (fence_wti's prompt list, wti_nps's "PS>" and "BB>");
  // banner wording, firmware and plug counts are [unverified], each count taken from the product name.
  tps: {
    id: 'tps',
    follows: 'WTI TPS-2 [unverified: prompt from fence_wti; 2 plugs from the product name]',
    product: 'Telco Power Switch',
    firmware: 'v1.00',
    siteLabel: 'Site ID',
    bannerGap: '    ',
    prompt: 'TPS> ',
    plugCount: 2,
    delayChoices: [0.5, 1, 2, 5, 10, 15, 30, 60],
    text: commonTexts,
    help: commonHelp,
  },
  rsm: {
    id: 'rsm',
    follows: 'WTI RSM-8R4 [unverified: prompt from fence_wti; 4 switched plugs from the product name "8R4"]',
    product: 'Remote Site Manager',
    firmware: 'v1.00',
    siteLabel: 'Site ID',
    bannerGap: '    ',
    prompt: 'RSM> ',
    plugCount: 4,
    delayChoices: [0.5, 1, 2, 5, 10, 15, 30, 60],
    text: commonTexts,
    help: commonHelp,
  },
  mpc: {
    id: 'mpc',
    follows: 'WTI MPC-8 [unverified: prompt from fence_wti; 8 plugs chosen]',
    product: 'Managed Power Controller',
    firmware: 'v1.00',
    siteLabel: 'Site ID',
    bannerGap: '    ',
    prompt: 'MPC> ',
    plugCount: 8,
    delayChoices: [0.5, 1, 2, 5, 10, 15, 30, 60],
    text: commonTexts,
    help: commonHelp,
  },
  nbb: {
    id: 'nbb',
    follows: 'WTI NBB-1600 [unverified: prompt from fence_wti; 16 plugs read from "1600" as in IPS-800/IPS-1600]',
    // wti_nps accepts "Boot Bar" where other units say " Power Switch".
    product: 'Network Boot Bar',
    firmware: 'v1.00',
    siteLabel: 'Site ID',
    bannerGap: '    ',
    prompt: 'NBB> ',
    plugCount: 16,
    delayChoices: [0.5, 1, 2, 5, 10, 15, 30, 60],
    text: commonTexts,
    help: commonHelp,
  },
  vmr: {
    id: 'vmr',
    follows: 'WTI VMR-8 [unverified: prompt from fence_wti; 8 plugs chosen]',
    product: 'Vertical Mount Rack Power Switch',
    firmware: 'v1.00',
    siteLabel: 'Site ID',
    bannerGap: '    ',
    prompt: 'VMR> ',
    plugCount: 8,
    delayChoices: [0.5, 1, 2, 5, 10, 15, 30, 60],
    text: commonTexts,
    help: commonHelp,
  },
} as const satisfies Record<string, WtiPersonality>;

export type WtiModel = keyof typeof personalities;

export function isWtiModel(model: string): model is WtiModel {
  return Object.hasOwn(personalities, model);
}
