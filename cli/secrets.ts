import fs from 'node:fs';
import { UsageError } from '../src/errors.js';

/**
 * Where a password comes from, so that it never has to sit on a command line
 * (where `ps` shows it): a file, the FENCEKIT_PASSWORD variable, or the flag.
 * The first of flag, file, variable that is given wins; two flags at once is a mistake.
 */
export function readPassword(
  opts: { password?: string; passwordFile?: string },
  env = process.env,
): string | undefined {
  if (opts.password !== undefined && opts.passwordFile !== undefined) {
    throw new UsageError('give either --password or --password-file, not both');
  }
  if (opts.password !== undefined) return opts.password;
  if (opts.passwordFile !== undefined) return readSecretFile(opts.passwordFile, 'the password file');
  return env.FENCEKIT_PASSWORD;
}

/** A secret kept in a file; `what` names it in the error (`the password file`, `--snmp-priv-password-file`). */
export function readSecretFile(file: string, what: string): string {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read ${what} ${file}: ${(err as Error).message}`, { cause: err });
  }
  // One trailing line end is the editor's, not the password's.
  return text.replace(/\r?\n$/, '');
}

/**
 * Secrets given as flags are visible to every user of the machine (`ps`,
 * /proc/PID/cmdline): say so on stderr, once per flag, with where to put them.
 * The value itself is never printed. `command` is `power` or `emulate`.
 */
export function commandLineSecretWarnings(
  command: string,
  flags: { password?: unknown; community?: unknown },
): string[] {
  const where =
    command === 'emulate'
      ? { password: '--password-file FILE or FENCEKIT_PASSWORD', community: 'the --config file' }
      : {
          password: '--password-file FILE or FENCEKIT_PASSWORD',
          community: '--password-file FILE or FENCEKIT_PASSWORD (the password stands in for the community)',
        };
  const lines: string[] = [];
  for (const flag of ['password', 'community'] as const) {
    if (typeof flags[flag] === 'string') {
      lines.push(
        `fencekit: warning: --${flag} on the command line is visible to other users (ps); use ${where[flag]} instead`,
      );
    }
  }
  return lines;
}
