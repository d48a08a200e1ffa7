#!/usr/bin/env node
/**
 * `fencekit-stonith`: a drop-in for cluster-glue's `stonith` 1.0.12
 * (docs/reference/stonith-cli.md), device types apcmaster,
 * apcmastersnmp, external/riloe and wti_nps. Same options, same order of
 * checks, same output and exit statuses; see docs/stonith.md for the
 * extensions and the deliberate differences.
 *
 * This file is the front-end: the checks of §2 in order, then the action
 * loop. Options are read in stonith/args.ts, parameters in stonith/params.ts,
 * texts and the device types' data are in stonith/texts.ts, the device work
 * in the type's plugin module (stonith/wti-nps.ts, apcmaster.ts,
 * apcmastersnmp.ts, riloe.ts), loaded only when an action runs. No
 * commander, no logger library: `-l` must start fast.
 */
import path from 'node:path';
import { isatty } from 'node:tty';
import { type Output, parseArguments, type StonithArgs } from './stonith/args.js';
import { Logger } from './stonith/log.js';
import {
  externalParametersFromEnvironment,
  externalParametersFromPairs,
  parametersFromEnvironment,
  parametersFromPairs,
  parseParameterString,
  readConfigFileLine,
  toBytes,
} from './stonith/params.js';
import { S, type StonithPlugin } from './stonith/plugin.js';
import {
  configNamesLine,
  HELP_ALL_HEADER,
  helpBlock,
  IMPLEMENTED,
  KNOWN_TYPES,
  LOG_MESSAGES,
  lookupType,
  MESSAGES,
  metadataXml,
  type StonithType,
  usageText,
} from './stonith/texts.js';

/** The most `name=value` words stonith takes. */
const MAX_PAIRS = 50;

/** The command name the usage shows: the base name we were started as, without ".js". */
function commandName(script: string | undefined): string {
  return path.basename(script ?? 'stonith').replace(/\.js$/, '');
}

function notImplemented(cmd: string, type: string): string {
  const have = IMPLEMENTED.map((t) => t.name).join(', ');
  return `${cmd}: device type '${type}' is known to cluster-glue but not implemented by fencekit-stonith (implemented: ${have})\n`;
}

/** `-h`: before every other check (§2 step 3). */
function help(args: StonithArgs, cmd: string, io: Output): number {
  if (args.type === undefined) {
    io.out(usageText(cmd) + HELP_ALL_HEADER + IMPLEMENTED.map(helpBlock).join(''));
    return 0;
  }
  const found = lookupType(args.type);
  if (found.kind === 'unknown') {
    io.err(MESSAGES.helpInvalidType(args.type));
    return 0;
  }
  if (found.kind === 'not-implemented') {
    io.err(notImplemented(cmd, args.type));
    return S.OOPS;
  }
  io.out(helpBlock(found.type));
  return 0;
}

type Configured =
  | { kind: 'configured'; config: Map<string, string> }
  | { kind: 'unconfigured' }
  | { kind: 'exit'; code: number };

/** §2 step 13: configure from the one parameter source given. */
function configure(type: StonithType, args: StonithArgs, pairs: string[], io: Output, log: Logger): Configured {
  const names = type.configNames;
  // An external plugin takes every pair and requires none (texts.ts, StonithType.external).
  if (pairs.length > 0 && type.external) return { kind: 'configured', config: externalParametersFromPairs(pairs) };
  if (args.fromEnvironment && type.external) {
    return { kind: 'configured', config: externalParametersFromEnvironment(names, process.env) };
  }
  if (pairs.length > 0) {
    const config = parametersFromPairs(pairs, names);
    if (config) return { kind: 'configured', config };
    io.err(MESSAGES.invalidConfigInfo(type.name) + MESSAGES.validConfigNames(names));
    return { kind: 'exit', code: S.INVAL };
  }
  if (args.parameterString !== undefined) {
    const config = parseParameterString(toBytes(args.parameterString), names);
    if (config) return { kind: 'configured', config };
    io.err(MESSAGES.badP(args.parameterString));
    return { kind: 'exit', code: S.BADCONFIG };
  }
  if (args.parameterFile !== undefined) {
    const read = readConfigFileLine(args.parameterFile);
    if (read.kind === 'cannot-open') log.crit(LOG_MESSAGES.cannotOpen(args.parameterFile));
    const config = read.kind === 'line' && read.line !== null ? parseParameterString(read.line, names) : null;
    if (config) return { kind: 'configured', config };
    log.error(LOG_MESSAGES.invalidConfigFile(type.name));
    return { kind: 'exit', code: S.BADCONFIG };
  }
  if (args.fromEnvironment) {
    const config = parametersFromEnvironment(names, process.env);
    if (config) return { kind: 'configured', config };
    // The real binary reports it and goes on: every action then fails.
    io.err(MESSAGES.invalidConfigInfo(type.name));
    return { kind: 'unconfigured' };
  }
  return { kind: 'configured', config: new Map() };
}

/**
 * §2 step 13: the plugin refused the configuration (its set_config failed).
 * The exit status, or null when the real binary goes on unconfigured (-p, -E).
 */
function configurationFailed(
  type: StonithType,
  args: StonithArgs,
  pairs: string[],
  rc: number,
  io: Output,
  log: Logger,
): number | null {
  if (pairs.length > 0) {
    io.err(MESSAGES.invalidConfigInfo(type.name) + MESSAGES.validConfigNames(type.configNames));
    return rc;
  }
  if (args.parameterFile !== undefined) {
    log.error(LOG_MESSAGES.invalidConfigFile(type.name));
    return S.BADCONFIG;
  }
  io.err(MESSAGES.invalidConfigInfo(type.name));
  return null;
}

async function main(argv: readonly string[], io: Output, tty: boolean, cmd: string): Promise<number> {
  // 1. Options (-V, bad -c and bad -T end here).
  const parsed = parseArguments(argv, cmd, io);
  if (parsed.kind === 'exit') return parsed.code;
  const args = parsed.args;
  // 2. Where log messages go.
  const log = new Logger({ tty, debug: args.debug });
  if (args.errors > 0) {
    io.err(usageText(cmd));
    return 1;
  }
  // 3. Help.
  if (args.help) return help(args, cmd, io);
  // 4. One parameter source.
  const sources = [args.parameterString !== undefined, args.parameterFile !== undefined, args.fromEnvironment];
  const sourceCount = sources.filter(Boolean).length;
  if (sourceCount > 1) {
    io.err(MESSAGES.oneParameterSource + usageText(cmd));
    return 1;
  }
  // 5. Leading name=value words.
  const pairs: string[] = [];
  let next = 0;
  while (next < args.operands.length && (args.operands[next] as string).includes('=')) {
    if (pairs.length >= MAX_PAIRS) {
      io.err(MESSAGES.tooManyPairs);
      return 1;
    }
    pairs.push(args.operands[next] as string);
    next++;
  }
  if (pairs.length > 0 && sourceCount > 0) {
    io.err(MESSAGES.cannotMix + usageText(cmd));
    return 1;
  }
  // 6. Exactly one nodename, or none with -S, -l, -L, -n or -m.
  const rest = args.operands.slice(next);
  const mayOmitNode = args.status || args.list || args.listTypes || args.names || args.metadata;
  if (!(rest.length === 1 || (rest.length === 0 && mayOmitNode))) {
    io.err(usageText(cmd));
    return 1;
  }
  // 7. -L.
  if (args.listTypes) {
    io.out(KNOWN_TYPES.map((t) => `${t}\n`).join(''));
    return 0;
  }
  // 8, 9. The type.
  if (args.type === undefined) {
    log.error(LOG_MESSAGES.needType);
    io.err(usageText(cmd));
    return 1;
  }
  const found = lookupType(args.type);
  if (found.kind === 'unknown') {
    log.error(LOG_MESSAGES.invalidType(args.type));
    return S.OOPS;
  }
  if (found.kind === 'not-implemented') {
    io.err(notImplemented(cmd, args.type));
    return S.OOPS;
  }
  const type = found.type;
  // 10. Parameters are needed from here on, except for -n and -m.
  if (sourceCount === 0 && pairs.length === 0 && type.configNames.length > 0 && !args.names && !args.metadata) {
    io.err(MESSAGES.needParameters + usageText(cmd));
    return 1;
  }
  // 11, 12. -n wins over -m.
  if (args.names) {
    io.out(configNamesLine(type));
    return 0;
  }
  if (args.metadata) {
    io.out(metadataXml(type));
    return 0;
  }
  // 13. Configure.
  const configured = configure(type, args, pairs, io, log);
  if (configured.kind === 'exit') return configured.code;
  let plugin: StonithPlugin | null = null;
  if (configured.kind === 'configured') {
    const module = await type.load();
    plugin = module.createPlugin(configured.config, { log, debug: args.debug });
    const rc = plugin.configure ? await plugin.configure() : S.OK;
    if (rc !== S.OK) {
      const failed = configurationFailed(type, args, pairs, rc, io, log);
      if (failed !== null) return failed;
      plugin = null;
    }
  }
  // 14. The actions: S, then l, then T, `count` times; the status is the last one's.
  // stonith lowercases the nodename (strdown: ASCII letters only).
  const node = rest[0]?.replace(/[A-Z]/g, (c) => c.toLowerCase());
  let rc = 0;
  for (let i = 0; i < args.count; i++) {
    if (args.status) {
      rc = plugin ? await plugin.status() : S.INVAL;
      if (!args.silent) {
        // Off a terminal the real binary logs "device OK" at debug level.
        if (rc === S.OK) log.log(tty ? 'info' : 'debug', LOG_MESSAGES.deviceOk(type.name));
        else log.error(LOG_MESSAGES.notAccessible(type.name));
      }
    }
    if (args.list) {
      const hosts = plugin ? await plugin.hostlist() : null;
      if (hosts === null) {
        log.error(LOG_MESSAGES.cannotList(type.name));
        rc = -1;
      } else {
        // Host names are the device's bytes.
        io.out(Buffer.from(hosts.map((h) => `${h}\n`).join(''), 'latin1'));
        rc = 0;
      }
    }
    if (node !== undefined) rc = plugin ? await plugin.reset(args.resetType, node) : S.INVAL;
  }
  return rc & 0xff;
}

// A reader that goes away (`fencekit-stonith -L | head -1`) is not worth a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
  });
}

const io: Output = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

main(process.argv.slice(2), io, isatty(0), commandName(process.argv[1])).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`${commandName(process.argv[1])}: ${(err as Error)?.stack ?? String(err)}\n`);
    process.exitCode = S.OOPS;
  },
);
