import type { Command } from 'commander';
import { driverFlags } from './driver-flags.js';
import { DRIVERS } from './drivers.js';
import { flagDescription, powerHelpAfter } from './power-help.js';

/**
 * `fencekit power` with every option, from the driver registry. cli/fencekit.ts
 * loads this only when the command line may need it (`power`, or help), so
 * that `fencekit emulate` starts without reading the registry.
 */
export function definePowerCommand(program: Command, description: string): void {
  const power = program
    .command('power')
    .description(description)
    .argument('<action>', 'on | off | reboot | status | list')
    .argument('[plugs...]', 'plug numbers or names; a name held by several plugs selects them all (iLO: none needed)')
    .requiredOption(
      '--driver <driver>',
      `the device's driver: ${DRIVERS.map((d) => d.name).join(', ')} (see Drivers below)`,
    )
    .option('--host <host>', 'device address')
    .option('--port <port>', "device port (default: the driver's, see Drivers below)")
    .option('--serial <path>', 'serial device instead of --host, e.g. /dev/ttyS0 (drivers with a serial transport)')
    .option('--baud <rate>', 'serial baud rate (default 9600)')
    .option('--username <name>', 'user name, for devices that ask for one')
    .option('--password-file <file>', 'read the password from a file')
    .option('--password <password>', 'the password (visible to ps: prefer --password-file or FENCEKIT_PASSWORD)');
  // Each driver's own flags, described from the registry (a flag several drivers take appears once).
  for (const flag of driverFlags()) {
    const value = flag.kind === 'boolean' ? '' : ` ${flag.valueName ?? '<value>'}`;
    power.option(`--${flag.flag}${value}`, flagDescription(flag));
  }
  power
    .option('--timeout <seconds>', 'budget for the whole operation (default 60)')
    .option('--json', 'print one JSON object for scripts')
    .option('-v, --verbose', 'print every byte exchanged on stderr (passwords masked)')
    .option('-q, --quiet', 'print no progress on stderr (default: progress on a terminal, for operations over 1 s)')
    .option('--progress', 'print progress on stderr from the start, terminal or not')
    .addHelpText('after', () => powerHelpAfter())
    .action(async (action: string, plugs: string[], flags) => {
      const { runPower } = await import('./power.js');
      process.exitCode = await runPower(action, plugs, flags);
    });
}
