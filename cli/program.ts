import { Command } from 'commander';
import { EMULATE_FLAGS } from './emulate-flags.js';
import { emulateExitHelp, labExitHelp, topHelpAfter } from './exit-codes.js';

/** `fencekit`'s commands for commander: help, usage errors, and every command but a plain emulate start. */
export async function runProgram(argv: readonly string[]): Promise<void> {
  const collect = (value: string, previous: string[] = []) => [...previous, value];
  const program = new Command('fencekit')
    .description('Fence cluster nodes through power switches, and emulate the switches for tests')
    .version(process.env.npm_package_version ?? '0.1.0')
    // A commander usage error is one line that says where help is, and exits 64 like ours (cli/fencekit.ts).
    .configureOutput({
      outputError: (text, write) => write(`fencekit: ${text.replace(/^error: /, '').trim()} (see --help)\n`),
    })
    .exitOverride()
    .addHelpText('after', topHelpAfter);

  const emulate = program
    .command('emulate')
    .description('Run an emulated power switch (WTI IPS-800 by default, an APC PDU or an HP iLO)');
  for (const { flag, help, repeatable } of EMULATE_FLAGS) {
    const text = typeof help === 'function' ? help() : help;
    if (repeatable) emulate.option(flag, text, collect);
    else emulate.option(flag, text);
  }
  emulate
    .action(async (flags) => {
      const { runEmulate } = await import('./emulate.js');
      await runEmulate(flags);
    })
    .addHelpText('after', emulateExitHelp);

  program
    .command('lab')
    .description('Run a lab: many emulated units in one process, loads on their plugs, an audit log and an admin API')
    .argument('<config>', 'the lab config file (JSON, docs/lab.md)')
    .option(
      '--state-dir <dir>',
      "where the lab keeps its state (default: the config's stateDir, or fencekit-lab beside it)",
    )
    .option(
      '--admin <host:port>',
      "the admin API's address (default: the config's, or 127.0.0.1:8780; 'none' turns it off)",
    )
    .option('--admin-token-file <file>', "the admin API's token (required off loopback)")
    .option('--json', 'print the units, the admin URL and the state directory as one JSON object once ready')
    .action(async (config: string, flags) => {
      const { runLab } = await import('./lab.js');
      await runLab(config, flags);
    })
    .addHelpText('after', labExitHelp);

  // `power` reads the driver registry for its options; a command line that is about something
  // else (`emulate`, `agent`) gets only its name and description.
  const POWER = 'Switch or read plugs: on, off, reboot, status (plug numbers or names), list';
  const invoked = argv[2];
  if (invoked === 'emulate' || invoked === 'agent' || invoked === 'lab') {
    program.command('power').description(POWER);
  } else {
    const { definePowerCommand } = await import('./power-command.js');
    definePowerCommand(program, POWER);
  }

  program
    .command('agent')
    .description("Install fence_fencekit where Pacemaker's fencer finds agents, or remove it")
    .argument('<what>', 'install | uninstall')
    .option('--dir <dir>', "Pacemaker's fence agent directory (default: /usr/sbin)")
    .action(async (what: string, flags) => {
      const { runAgentCommand } = await import('./fence-agent/install.js');
      runAgentCommand(what, flags, (line) => process.stdout.write(`${line}\n`));
    });

  program
    .command('drill')
    .description('Failover drills: a two-node cluster on lab nodes (namespaces, root), fenced through the lab')
    .argument(
      '<scenario>',
      'orderly | disorderly | sick-not-dead | split-brain | device-failure | fallback | heartbeat (docs/drills.md)',
    )
    .option('--json', 'print the result as JSON (for CI)')
    .option('--fence <how>', 'wti (fence_wti) | fencekit (fence_fencekit) | stonith (cluster-glue plugins)', 'wti')
    .option('--subnet <a.b.c>', 'the lab link, a /24 inside 127.0.0.0/8', '127.0.12')
    .option(
      '--failure <how>',
      'heartbeat only: how mclaws fails: kill (its heartbeat SIGKILLed, the resource runs on) | freeze (every process SIGSTOPped) | cut-link (its cable pulled)',
    )
    .option('--keep', "keep the drill's directory (logs, state, shared disk) afterwards")
    .addHelpText(
      'after',
      '\nExit status: 0 pass, 1 fail, 64 usage, 69 this kernel refuses namespaces, 70 the cluster did not come up, 77 not root or a package missing.\n',
    )
    .action(async (scenario: string, flags) => {
      const { runDrill } = await import('./drill/run.js');
      process.exitCode = await runDrill(scenario, flags);
    });

  await program.parseAsync([...argv]);
}
