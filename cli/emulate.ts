import fs from 'node:fs';
import path from 'node:path';
import {
  ConfigError,
  type EmulatorConfig,
  type Model,
  parsePlugFlag,
  SETTINGS,
  type SettingKey,
  type UnitConfig,
  validateConfig,
} from '../emulator/config.js';
import { EventBus } from '../emulator/events.js';
import { describeJsonSyntax } from '../emulator/json-syntax.js';
import { checkServes, checkUnitConfig, kindOfModel, type ModelKind } from '../emulator/models.js';
import { UnitHost } from '../emulator/unit-host.js';
import { FencekitError, UsageError } from '../src/errors.js';
import type { SnmpUserFlags, snmpUserFromFlags } from './emulate-snmp-user.js';
import { logEvents } from './emulator-log.js';
import { watchLauncher } from './launcher-watch.js';
import { commandLineSecretWarnings, readPassword } from './secrets.js';

/** `fencekit emulate`: flags as commander parsed them. */
export interface EmulateFlags extends SnmpUserFlags {
  model?: string;
  listen?: string;
  telnet?: boolean;
  password?: string;
  passwordFile?: string;
  plug?: string[];
  serial?: string;
  baud?: string;
  state?: string;
  config?: string;
  bootDelay?: string;
  idleTimeout?: string;
  siteId?: string;
  console?: boolean;
  fault?: string[];
  firmware?: string;
  ssh?: string;
  snmp?: string;
  username?: string;
  role?: string;
  community?: string;
  outlets?: string;
  maxSessions?: string;
  tls?: string;
  https?: string;
  cert?: string;
  key?: string;
  transition?: string;
}

/** What to start: the model's kind, its settings, and the flags layered over its state file. */
export interface EmulatePlan {
  kind: ModelKind;
  config: Partial<EmulatorConfig> & { model: Model };
  overrides: Partial<EmulatorConfig>;
}

function number(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new UsageError(`${flag} '${value}' is not a number ≥ 0`);
  return n;
}

function readConfigFile(file: string): Partial<EmulatorConfig> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read the config file ${file}: ${(err as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    // Not V8's message: it may quote the text, and the password in it.
    throw new UsageError(`config file ${file} ${describeJsonSyntax(text)}`);
  }
  const config = validateConfig(raw, file);
  // A user's password files are found from the config file, wherever the emulator was started.
  const dir = path.dirname(file);
  config.snmpUsers = config.snmpUsers?.map((u) => ({
    ...u,
    ...(u.authPasswordFile ? { authPasswordFile: path.resolve(dir, u.authPasswordFile) } : {}),
    ...(u.privPasswordFile ? { privPasswordFile: path.resolve(dir, u.privPasswordFile) } : {}),
  }));
  if (!config.snmpUsers) delete config.snmpUsers;
  return config;
}

/**
 * Config file and flags -> the plan, every check done before anything
 * listens: values, the model, settings and faults of the model's own kind
 * (named as the user gave them), something to serve.
 */
export function buildConfig(flags: EmulateFlags, snmpUserOf?: typeof snmpUserFromFlags): EmulatePlan {
  const file = flags.config;
  const fromFile = file ? readConfigFile(file) : {};
  // How the emulator runs: from the config, then these flags; never in the state file.
  const wiring = validateConfig(
    stripUndefined({
      listen: flags.telnet === false ? null : flags.listen,
      serial: flags.serial,
      baud: number('--baud', flags.baud),
      state: flags.state,
      console: flags.console,
      firmware: flags.firmware,
      ssh: flags.ssh,
      snmp: flags.snmp,
      outlets: number('--outlets', flags.outlets),
      maxSessions: number('--max-sessions', flags.maxSessions),
      tls: flags.tls,
      https: flags.https,
      cert: flags.cert,
      key: flags.key,
    }),
    'command line',
  );
  // What the unit remembers: layered over the state file.
  const overrides = validateConfig(
    stripUndefined({
      password: readPassword(flags),
      bootDelay: number('--boot-delay', flags.bootDelay),
      idleTimeout: number('--idle-timeout', flags.idleTimeout),
      siteId: flags.siteId,
      faults: flags.fault,
      username: flags.username,
      role: flags.role,
      community: flags.community,
      transition: number('--transition', flags.transition),
    }),
    'command line',
  );
  if (flags.plug) overrides.plugs = flags.plug.map(parsePlugFlag);
  const snmpUser = snmpUserOf?.(flags);
  if (snmpUser) overrides.snmpUsers = [snmpUser];

  const model = flags.model ?? fromFile.model ?? 'ips800';
  const kind = kindOfModel(model, flags.model !== undefined ? '--model' : `${file}: model`);
  checkUnitConfig(model, [
    { settings: fromFile, name: (key) => (key === 'faults' ? `${file}: fault` : `${file}: '${key}'`) },
    { settings: { ...wiring, ...overrides }, name: flagOf },
  ]);
  // The kind lists the model: it is one of the Model names.
  const config = { ...kind.defaults, ...fromFile, ...wiring, model: model as Model };
  checkServes(kind, config);
  return { kind, config, overrides };
}

/** The flag that gave a setting; the password may also have come from a file or the environment. */
function flagOf(key: SettingKey): string {
  return key === 'faults' ? '--fault' : SETTINGS[key].flag;
}

function stripUndefined<T extends Record<string, unknown>>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** A failure to start, said in one line: the user's settings are wrong, or the address is taken. */
function startupError(err: unknown): Error {
  if (err instanceof ConfigError || err instanceof RangeError) return new UsageError(err.message, { cause: err });
  const e = err as NodeJS.ErrnoException;
  if (e?.code === 'EADDRINUSE' || e?.code === 'EACCES' || e?.code === 'EADDRNOTAVAIL') {
    return new StartError(`cannot listen: ${e.message}`, { cause: err });
  }
  if (e?.code === 'ENOENT' || e?.code === 'EACCES' || e?.code === 'ESERIALOPEN') {
    return new StartError(e.message, { cause: err });
  }
  return err instanceof Error ? err : new Error(String(err));
}

/** The emulator could not start for a reason outside the user's flags. */
class StartError extends FencekitError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('ECONNECTION', message, options);
  }
}

/** Only this model's unit is loaded, with its own front-ends' imports (ssh2, net-snmp, TLS). */
async function startUnit(plan: EmulatePlan, bus: EventBus) {
  const kind = await plan.kind.load();
  return UnitHost.start(kind, { config: plan.config as UnitConfig, overrides: plan.overrides, bus });
}

/** Start, print how to connect, run until SIGINT/SIGTERM. */
export async function runEmulate(flags: EmulateFlags): Promise<void> {
  let plan: EmulatePlan;
  try {
    // The SNMPv3 user flags' code is loaded only when one of them is given (a plain start needs none).
    const snmpUserFlag = Object.entries(flags).some(
      ([k, v]) => k.startsWith('snmp') && k !== 'snmp' && v !== undefined,
    );
    const snmpUserOf = snmpUserFlag ? (await import('./emulate-snmp-user.js')).snmpUserFromFlags : undefined;
    plan = buildConfig(flags, snmpUserOf);
  } catch (err) {
    throw startupError(err);
  }
  const { config } = plan;
  const onTerminal = config.console ?? Boolean(process.stdout.isTTY);
  const bus = new EventBus();
  let unit: Awaited<ReturnType<typeof startUnit>>;
  try {
    unit = await startUnit(plan, bus);
  } catch (err) {
    // Nothing was reported as listening: a failed start is one line, whatever opened first.
    throw startupError(err);
  }
  // Off a terminal, log from the first event on ("listening" included), now that the start held.
  const stopLog = onTerminal ? () => {} : logEvents(bus, process.stderr, { replay: true });
  // A secret on the command line is visible to every user of the machine: say so once the
  // start held (a usage error stays one line).
  for (const line of commandLineSecretWarnings('emulate', flags as Record<string, unknown>)) {
    process.stderr.write(`${line}\n`);
  }
  // Listen for the signals before saying we are ready, so a quick Ctrl-C is never lost.
  const stopRequested = new Promise<void>((resolve) => {
    const shutdown = () => {
      process.off('SIGINT', shutdown);
      process.off('SIGTERM', shutdown);
      unwatch();
      resolve();
    };
    process.on('SIGINT', shutdown);
    process.on('SIGTERM', shutdown);
    // Started by npx, whose SIGTERM stops only the shell in between: stop when the launcher is gone.
    const unwatch = watchLauncher(shutdown);
  });
  const lines = unit.describe();
  if (config.state) lines.push(`  state:    ${config.state}`);

  let stopOutput: () => void;
  if (onTerminal) {
    const header = [...lines, '  Ctrl-C stops the emulator.'];
    // Only a terminal gets the view: off one, a start does not load it.
    const { ConsoleView } = await import('./console-view.js');
    const view = new ConsoleView(
      unit.kind.table(unit.device),
      unit.kind.title(unit.device),
      unit.bus,
      process.stdout,
      header,
    );
    view.start();
    stopOutput = () => view.stop();
  } else {
    process.stdout.write(`${lines.join('\n')}\n`);
    stopOutput = stopLog;
  }

  await stopRequested;
  await unit.stop();
  stopOutput();
  if (!onTerminal) process.stdout.write('stopped\n');
}
