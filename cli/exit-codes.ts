import type { FencekitErrorCode } from '../src/errors.js';

/**
 * Exit statuses of fencekit's commands, in one place: the code uses the
 * numbers, `--help` prints the tables, and docs/cli.md (and fence-agent.md)
 * carry the same tables, which a test compares with `exitTableMarkdown()`.
 */

/** `fencekit power` exit statuses: stable, documented in docs/cli.md. */
export const EXIT = {
  ok: 0,
  failed: 1,
  statusOff: 2,
  usage: 64,
} as const;

export const EXIT_BY_CODE: Record<FencekitErrorCode, number> = {
  EAUTH: 3,
  EUNKNOWNPLUG: 4,
  EBUSY: 5,
  ETIMEOUT: 6,
  EPROTOCOL: 7,
  ECONNECTION: 8,
  EABORTED: 9,
  EUSAGE: 64,
};

/** One row: the status and what it means (`code` marks prose, as in the docs). */
export interface ExitRow {
  status: number;
  meaning: string;
}

const MEANING: Record<Exclude<FencekitErrorCode, 'EUSAGE'>, string> = {
  EAUTH: 'wrong user name or password',
  EUNKNOWNPLUG: 'no such plug number or name',
  EBUSY: 'another session held the device for the whole budget',
  ETIMEOUT: 'a phase ran out of time (`connect`: no answer at all; `confirm`: the plug never read back its state)',
  EPROTOCOL: 'the device said something unexpected or refused the command',
  ECONNECTION: 'no connection (refused: nothing listens), or it was lost',
  EABORTED: 'interrupted (SIGINT, SIGTERM)',
};

export const POWER_EXIT_TABLE: readonly ExitRow[] = [
  { status: EXIT.ok, meaning: 'done (for `status`: at least one of the plugs is on)' },
  { status: EXIT.failed, meaning: 'an unexpected failure' },
  { status: EXIT.statusOff, meaning: '`status`: every plug given is off (as fence agents report it)' },
  ...(Object.keys(MEANING) as (keyof typeof MEANING)[])
    .map((code) => ({ status: EXIT_BY_CODE[code], meaning: `\`${code}\`: ${MEANING[code]}` }))
    .sort((a, b) => a.status - b.status),
  { status: EXIT.usage, meaning: 'usage error (a bad flag, action or plug list)' },
];

/** `fencekit emulate` exit statuses. */
export const EMULATE_EXIT = { stopped: 0, cannotListen: 1, usage: 64, stateFile: 65, internal: 70 } as const;

export const EMULATE_EXIT_TABLE: readonly ExitRow[] = [
  { status: EMULATE_EXIT.stopped, meaning: 'stopped cleanly by SIGINT or SIGTERM' },
  {
    status: EMULATE_EXIT.cannotListen,
    meaning: 'cannot listen (address in use, permission) or open the serial device; one line, nothing listens',
  },
  { status: EMULATE_EXIT.usage, meaning: 'a bad flag, config file or password file; one line' },
  {
    status: EMULATE_EXIT.stateFile,
    meaning: 'the state file cannot be used (a link, not JSON, a value the unit could not have written); one line',
  },
  { status: EMULATE_EXIT.internal, meaning: 'an internal error (a bug: please report it, with the stack trace)' },
];

/** `fence_fencekit` keeps fence-agents' statuses (cli/fence-agent/output.ts). */
/** `fence_fencekit`'s statuses, fence-agents' own: 0 done, 1 failed, 2 status off (cli/fence-agent/output.ts). */
export const AGENT_EXIT = { ok: 0, failed: 1, statusOff: 2 } as const;

export const AGENT_EXIT_TABLE: readonly ExitRow[] = [
  { status: AGENT_EXIT.ok, meaning: 'done (`status`: the plug is on, or one of several is)' },
  { status: AGENT_EXIT.failed, meaning: 'any failure, whatever its fencekit code (the second ERROR line names it)' },
  { status: AGENT_EXIT.statusOff, meaning: '`status`: the plug is off (every plug given)' },
];

/** The table as `--help` prints it: a heading, then one indented row per status. */
export function exitTableHelp(heading: string, rows: readonly ExitRow[]): string {
  const lines = rows.map((r) => `  ${String(r.status).padEnd(4)}${r.meaning.replace(/`/g, '')}`);
  return [`${heading}:`, ...lines].join('\n');
}

/** The table as docs/cli.md carries it. */
export function exitTableMarkdown(rows: readonly ExitRow[]): string {
  return ['| status | meaning |', '|---|---|', ...rows.map((r) => `| ${r.status} | ${r.meaning} |`)].join('\n');
}

/** After `fencekit power --help`. */
export function powerExitHelp(): string {
  return exitTableHelp('Exit status', POWER_EXIT_TABLE);
}

/** After `fencekit emulate --help`. */
export function emulateExitHelp(): string {
  return `\n${exitTableHelp('Exit status', EMULATE_EXIT_TABLE)}`;
}

/** After `fencekit lab --help`: `fencekit emulate`'s statuses, which the lab keeps (the state file: any unit's, or the state directory). */
export function labExitHelp(): string {
  return `\n${exitTableHelp("Exit status (as fencekit emulate; 65: a unit's state file or the state directory)", EMULATE_EXIT_TABLE)}`;
}

/** After `fencekit --help`: examples, and every command's statuses. */
export function topHelpAfter(): string {
  return [
    '',
    'Examples:',
    '  fencekit power status 5 --driver wti --host 10.0.0.20 --password-file /etc/fencekit/wti.pw',
    '  fencekit power off db1 --driver apc --host 10.0.0.30 --username apc --password-file /etc/fencekit/apc.pw',
    '  fencekit emulate --model ips800 --listen 127.0.0.1:2323 --password-file pw.txt',
    '  fencekit lab lab.json      (many units, loads on their plugs, an admin API: docs/lab.md)',
    '  fencekit power --help      (every driver, its flags and an example)',
    '',
    exitTableHelp('Exit status of fencekit power', POWER_EXIT_TABLE),
    '',
    exitTableHelp('Exit status of fencekit emulate', EMULATE_EXIT_TABLE),
  ].join('\n');
}
