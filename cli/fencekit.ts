#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { MODEL_KINDS, MODELS } from '../emulator/models.js';
import { StateFileError } from '../emulator/state-error.js';
import { FencekitError } from '../src/errors.js';
import { driverFlags } from './driver-flags.js';
import { DRIVERS } from './drivers.js';
import { EXIT, emulateExitHelp, topHelpAfter } from './exit-codes.js';
import { flagDescription, powerHelpAfter } from './power-help.js';

/**
 * `fencekit`: one entry point, each subcommand loaded only when it runs, so
 * that a quick command does not pay for the emulator's or a driver's imports
 * (the driver registry it reads for `power`'s flags loads no driver).
 */
const collect = (value: string, previous: string[] = []) => [...previous, value];

const program = new Command('fencekit')
  .description('Fence cluster nodes through power switches, and emulate the switches for tests')
  .version(process.env.npm_package_version ?? '0.1.0')
  // A commander usage error is one line that says where help is, and exits 64 like ours (the catch below).
  .configureOutput({
    outputError: (text, write) => write(`fencekit: ${text.replace(/^error: /, '').trim()} (see --help)\n`),
  })
  .exitOverride()
  .addHelpText('after', topHelpAfter);

program
  .command('emulate')
  .description('Run an emulated power switch (WTI IPS-800 by default, an APC PDU or an HP iLO)')
  .option('--model <model>', `${MODELS.slice(0, -1).join(', ')} or ${MODELS.at(-1)} (default: ips800)`)
  .option('--firmware <version>', 'APC: 2.7 (menu) or 6.4 (apc> CLI) (default: 2.7)')
  .option('--ssh <host:port>', 'APC: serve SSH here too; iLO: SMASH CLP over SSH')
  .option('--tls <host:port>', 'iLO: raw RIBCL over TLS, as an iLO 2 (the real board: port 443)')
  .option('--https <host:port>', 'iLO: TLS port answering raw RIBCL and HTTP (RIBCL over HTTP, Redfish), as iLO 3/4/5')
  .option('--cert <file>', 'iLO: PEM certificate for --tls/--https (default: made and kept beside --state)')
  .option('--key <file>', 'iLO: PEM private key of --cert')
  .option('--transition <seconds>', 'iLO: seconds between a power command and the server changing state (default: 0)')
  .option('--snmp <host:port>', 'APC: serve SNMP (UDP) here too')
  .option('--username <name>', 'APC: the user name (default: apc); iLO: the login (default: admin)')
  .option('--role <role>', 'APC: the user is admin, device or outlet (default: admin)')
  .option('--community <name>', 'APC: SNMP write community (default: private; read: public)')
  .option('--snmp-user <name>', "APC: an SNMPv3 user (added to the config file's snmpUsers; same name replaced)")
  .option(
    '--snmp-sec-level <level>',
    'APC: its level: noAuthNoPriv, authNoPriv or authPriv (default: from the passwords)',
  )
  .option('--snmp-auth-prot <prot>', 'APC: its authentication protocol, MD5 or SHA (default: SHA)')
  .option('--snmp-priv-prot <prot>', 'APC: its privacy protocol, AES or DES (DES needs --openssl-legacy-provider)')
  .option('--snmp-auth-password-file <file>', 'APC: its authentication password (or FENCEKIT_SNMP_AUTH_PASSWORD)')
  .option('--snmp-priv-password-file <file>', 'APC: its privacy password (or FENCEKIT_SNMP_PRIV_PASSWORD)')
  .option('--snmp-auth-password <password>', 'APC: the same in argv, visible to ps (prefer the file)')
  .option('--snmp-priv-password <password>', 'APC: the same in argv, visible to ps (prefer the file)')
  .option('--outlets <n>', 'APC: number of outlets (default: 24, MasterSwitch 8)')
  .option('--max-sessions <n>', 'APC, iLO: telnet and SSH sessions at once (default: 1, MasterSwitch 2, iLO 4)')
  .option('--listen <host:port>', 'WTI, APC: telnet address (default: 127.0.0.1:2323; port 23 needs root)')
  .option('--no-telnet', 'serve no telnet (serial only)')
  .option('--password <password>', 'system (WTI) or user (APC, iLO) password (prefer --password-file)')
  .option('--password-file <file>', 'read the password from a file')
  .option('--plug <n=name>', 'name a plug, e.g. --plug 5=mclaws (repeatable)', collect)
  .option('--serial <path>', 'WTI: serve the menu on this serial device too, e.g. /dev/ttyS0')
  .option('--baud <rate>', 'WTI: serial baud rate (default: 9600)')
  .option('--state <file>', 'keep plug names and states here across restarts (keys, certificates beside it)')
  .option('--config <file>', 'JSON file with the same settings (flags win)')
  .option('--boot-delay <seconds>', 'WTI, APC: boot/sequence (APC: reboot) delay of every plug (default: 0.5, APC 5)')
  .option('--idle-timeout <seconds>', 'drop a session idle this long (default: 300)')
  .option('--site-id <text>', 'WTI: site ID shown on the banner; APC: the card name')
  .option(
    '--fault <name>',
    `${MODEL_KINDS.map((k) => `${k.label}: ${k.faults.join(', ')}`).join('; ')} (repeatable)`,
    collect,
  )
  .option('--console', 'show the live plug table (default on a terminal)')
  .option('--no-console', 'print one log line per event on stderr instead')
  .action(async (flags) => {
    const { runEmulate } = await import('./emulate.js');
    await runEmulate(flags);
  })
  .addHelpText('after', emulateExitHelp);

const power = program
  .command('power')
  .description('Switch or read plugs: on, off, reboot, status (plug numbers or names), list')
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

program
  .command('agent')
  .description("Install fence_fencekit where Pacemaker's fencer finds agents, or remove it")
  .argument('<what>', 'install | uninstall')
  .option('--dir <dir>', "Pacemaker's fence agent directory (default: /usr/sbin)")
  .action(async (what: string, flags) => {
    const { runAgentCommand } = await import('./fence-agent/install.js');
    runAgentCommand(what, flags, (line) => process.stdout.write(`${line}\n`));
  });

program.parseAsync(process.argv).catch((err: unknown) => {
  // Commander has printed its message (or the help, or the version) already.
  if (err instanceof CommanderError) process.exit(err.exitCode === 0 ? EXIT.ok : EXIT.usage);
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
