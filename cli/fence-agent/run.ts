import fs from 'node:fs';
import { FencekitError, UsageError } from '../../src/errors.js';
import type { PlugTarget, PowerSwitch } from '../../src/power-switch.js';
import { cutReply } from '../../src/progress.js';
import { type Transcript, transcriptTo } from '../../src/transcript.js';
import { DRIVERS, findDriver } from '../drivers.js';
import { remedyText } from '../remedy.js';
import { type AgentAction, optionTable } from './options.js';
import { EXIT, failureMessage, listLine, logLine, RESULT } from './output.js';
import { type ParsedOptions, parseArgv, parseStdin } from './parse.js';
import { actionOf, resolveRequest } from './request.js';

/**
 * `fence_fencekit`: one run of the fence-agents contract. Options from argv
 * or stdin, then metadata, validation, or one power action through the
 * driver the registry names; results and failures as fence-agents prints
 * them. The process boundary (streams, exit) is the caller's.
 */
export interface AgentIo {
  stdout(text: string): void;
  stderr(text: string): void;
  readStdin(): Promise<string>;
  env: NodeJS.ProcessEnv;
}

const VERSION = '0.1.0';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function passwordFromScript(script: string): Promise<string> {
  const { execFileSync } = await import('node:child_process');
  try {
    const out = execFileSync('/bin/sh', ['-c', script], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 30_000,
    });
    // fence-agents takes the first line the script prints.
    return out.split('\n')[0] ?? '';
  } catch (err) {
    throw new UsageError('the password script failed', { cause: err });
  }
}

function debugSinks(values: Map<string, string>, io: AgentIo): { transcript?: Transcript; close(): void } {
  const writers: ((line: string) => void)[] = [];
  if (values.has('verbose')) writers.push((line) => io.stderr(`${line}\n`));
  let fd: number | undefined;
  const file = values.get('debug_file');
  if (file) {
    try {
      fd = fs.openSync(file, 'a', 0o600);
      const opened = fd;
      writers.push((line) => fs.writeSync(opened, logLine('DEBUG', line)));
    } catch (err) {
      throw new UsageError(`cannot open the debug file ${file}: ${(err as Error).message}`);
    }
  }
  return {
    transcript:
      writers.length === 0
        ? undefined
        : transcriptTo((line) => {
            for (const w of writers) w(line);
          }),
    close: () => {
      if (fd !== undefined) fs.closeSync(fd);
    },
  };
}

/** The power action itself: result lines and the exit status. */
async function act(
  sw: PowerSwitch,
  action: Exclude<AgentAction, 'metadata' | 'validate-all'>,
  target: PlugTarget,
  req: { attemptsOn: number; powerWaitMs: number; separator: string },
  out: (line: string) => void,
): Promise<number> {
  switch (action) {
    case 'status': {
      const r = await sw.status(target);
      // As fence-agents: with several plugs, the status is on if any plug is on.
      const on = r.some((p) => p.state === 'on');
      out(RESULT.status(on));
      return on ? EXIT.ok : EXIT.statusOff;
    }
    case 'on':
    case 'off': {
      let attempts = action === 'on' ? req.attemptsOn : 1;
      for (;;) {
        try {
          const r = await sw[action](target);
          const changed = r.some((p) => p.changed);
          if (changed && req.powerWaitMs > 0) await sleep(req.powerWaitMs);
          out(RESULT.switched(action, changed));
          return EXIT.ok;
        } catch (err) {
          if (--attempts <= 0 || (err instanceof FencekitError && err.code === 'EAUTH')) throw err;
        }
      }
    }
    case 'reboot':
      await sw.reboot(target);
      if (req.powerWaitMs > 0) await sleep(req.powerWaitMs);
      out(RESULT.rebooted);
      return EXIT.ok;
    case 'list':
    case 'list-status': {
      const plugs = await sw.list();
      for (const p of plugs)
        out(listLine(p.plug, p.name, req.separator, action === 'list-status' ? p.state : undefined));
      return EXIT.ok;
    }
    case 'monitor':
      // The device answers and lists its plugs: that is all a monitor asks.
      await sw.list();
      return EXIT.ok;
  }
}

export async function runAgent(argv: readonly string[], io: AgentIo): Promise<number> {
  const table = optionTable(DRIVERS);
  let quiet = false;
  const fail = (message: string, usage = false) => {
    if (!quiet) io.stderr(`${logLine('ERROR', message)}${usage ? "Please use '-h' for usage\n" : ''}\n`);
    return EXIT.failed;
  };
  let parsed: ParsedOptions;
  try {
    parsed = argv.length > 0 ? parseArgv(argv, table) : parseStdin(await io.readStdin(), table);
  } catch (err) {
    return fail(`Failed: ${(err as Error).message}`, true);
  }
  const { values } = parsed;
  quiet = values.has('quiet');
  if (!quiet) for (const w of parsed.warnings) io.stderr(`WARNING:root:${w}\n`);
  const warn = (m: string) => {
    if (!quiet) io.stderr(logLine('WARNING', m));
  };

  if (values.has('help')) {
    const { usageText } = await import('./usage.js');
    io.stdout(usageText(table));
    return EXIT.ok;
  }
  if (values.has('version')) {
    io.stdout(`${VERSION}\n`);
    return EXIT.ok;
  }
  let action: AgentAction;
  try {
    action = actionOf(values);
  } catch (err) {
    return fail(`Failed: ${(err as Error).message}`, true);
  }
  if (action === 'metadata') {
    // Loaded only here: a fencing run should not pay for the XML.
    const { metadataXml } = await import('./metadata.js');
    io.stdout(metadataXml(table));
    return EXIT.ok;
  }

  let sinks: ReturnType<typeof debugSinks> | undefined;
  let sw: PowerSwitch | undefined;
  try {
    const script = values.get('password_script');
    const password = values.get('password') ?? (script ? await passwordFromScript(script) : undefined);
    const req = resolveRequest(values, table, findDriver, password, warn);
    if (action === 'validate-all') return EXIT.ok;
    sinks = debugSinks(values, io);
    req.settings.transcript = sinks.transcript;
    sinks.transcript?.(
      'note',
      `fence_fencekit: driver ${req.driver.name}, action ${action}${req.plugs.length ? `, plug ${req.plugs.join(',')}` : ''}`,
    );
    if ((action === 'off' || action === 'reboot') && req.delayMs > 0) await sleep(req.delayMs);
    sw = await req.driver.create(req.settings);
    const target: PlugTarget = req.plugs.length === 1 ? (req.plugs[0] as string) : req.plugs;
    const lines: string[] = [];
    const code = await act(sw, action, target, req, (line) => lines.push(line));
    if (action !== 'monitor' && lines.length > 0) io.stdout(`${lines.join('\n')}\n`);
    return code;
  } catch (err) {
    if (err instanceof FencekitError) {
      const code = fail(failureMessage(err, action), err.code === 'EUSAGE');
      if (!quiet && err.code !== 'EUSAGE')
        io.stderr(logLine('ERROR', `fencekit: ${cutReply(err.message, 600)}${remedyText(err, 'agent')} [${err.code}]`));
      return code;
    }
    return fail(`Failed: ${err instanceof Error ? err.message : String(err)}`);
  } finally {
    await sw?.close().catch(() => {});
    sinks?.close();
  }
}
