/**
 * What the driver sends to a WTI unit and what it waits for, family-wide
 * (IPS, NPS, TPS, RSM, MPC, NBB, VMR). Tested against: the fencekit IPS-800
 * and NPS emulators; patterns follow what fence_wti 4.12.1 and cluster-glue
 * wti_nps accept from real units (docs/reference/wti-ips800.md §2–§7).
 *
 * Kept apart from the emulator's personality on purpose: if both read one
 * table, a mistake in it would pass both. The real clients judge the emulator.
 */
export const FAMILY_PROMPTS = ['IPS', 'NPS', 'TPS', 'RSM', 'MPC', 'NBB', 'VMR'] as const;
export type WtiFamily = (typeof FAMILY_PROMPTS)[number];

export const WTI = {
  /** The command prompt, e.g. "IPS> ". Group 1 is the family. */
  prompt: new RegExp(`\\b(${FAMILY_PROMPTS.join('|')})> ?`),
  /** Firmware that asks for a user name first (fence_wti's list). */
  loginPrompt: /login: |Login Name: {2}|username: |User Name :/i,
  passwordPrompt: /Password: ?/,
  invalidPassword: /Invalid password/i,
  /** A paged screen waits for Enter. */
  paging: /Enter: /i,
  confirm: /\(Y\/N\): ?/,
  /** The unit's refusals of a command: Invalid Command, Invalid Plug, … */
  refusal: /Invalid [A-Za-z ]+/,
  lineEnd: '\r\n',
  status: '/S',
  logout: '/X,Y',
  yes: 'Y',
  /** Several plugs in one command: the IPS-800 manual's "1+3+4" form. */
  plugList: (plugs: readonly number[]) => plugs.join('+'),
  switch: (state: 'on' | 'off', plugs: readonly number[]) => `/${state.toUpperCase()} ${WTI.plugList(plugs)},Y`,
  boot: (plugs: readonly number[]) => `/BOOT ${WTI.plugList(plugs)},Y`,
} as const;

/** Pages of a paged screen read at most (a 16-plug unit needs one, fence_wti reads two). */
export const MAX_PAGES = 8;
