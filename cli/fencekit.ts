#!/usr/bin/env node
import { FencekitError } from '../src/errors.js';
import { parseEmulateArgs } from './emulate-args.js';

/**
 * `fencekit`: one entry point, each subcommand loaded only when it runs, so
 * that a quick command does not pay for the emulator's or a driver's imports
 * (the driver registry it reads for `power`'s flags loads no driver).
 *
 * `fencekit emulate` with an ordinary command line starts without commander:
 * its flags are data (emulate-flags.ts), read directly. Anything else (help,
 * a mistake, another command) goes through commander, whose messages and
 * exit codes are the ones documented.
 */
const fastEmulate = process.argv[2] === 'emulate' ? parseEmulateArgs(process.argv.slice(3)) : null;
const run = fastEmulate
  ? import('./emulate.js').then(({ runEmulate }) => runEmulate(fastEmulate))
  : import('./program.js').then(({ runProgram }) => runProgram(process.argv));

run.catch(async (err: unknown) => {
  // Loaded for a failure only: a start that holds does not pay for them.
  const [{ EXIT }, { StateFileError }] = await Promise.all([
    import('./exit-codes.js'),
    import('../emulator/state-error.js'),
  ]);
  // A commander error (help, version, a usage mistake) has been printed already; its codes
  // all start with "commander." (commander is not loaded on the fast path, so no instanceof).
  const c = err as { code?: unknown; exitCode?: unknown };
  if (typeof c?.code === 'string' && c.code.startsWith('commander.') && typeof c.exitCode === 'number') {
    process.exit(c.exitCode === 0 ? EXIT.ok : EXIT.usage);
  }
  if (err instanceof StateFileError) {
    process.stderr.write(`fencekit: ${err.message}\n`);
    process.exit(65); // EX_DATAERR: `fencekit emulate` was given a state file it cannot use (docs/emulator.md §6)
  }
  if (err instanceof FencekitError) {
    process.stderr.write(`fencekit: ${err.message}\n`);
    process.exit(err.code === 'EUSAGE' ? EXIT.usage : EXIT.failed);
  }
  process.stderr.write(`fencekit: ${(err as Error)?.stack ?? String(err)}\n`);
  process.exit(70);
});
