import fs from 'node:fs';
import { readPassword } from './secrets.js';
import { FencekitError, UsageError } from '../src/errors.js';
import {
  ConfigError,
  DEFAULT_LISTEN,
  type EmulatorConfig,
  faultsOf,
  isApcModel,
  parsePlugFlag,
  validateConfig,
} from '../emulator/config.js';
import { ConsoleView } from './console-view.js';
import { EventBus } from '../emulator/events.js';
import { logEvents } from './emulator-log.js';
import { WtiEmulator } from '../emulator/wti-emulator.js';
import { ApcEmulator } from '../emulator/apc-emulator.js';
import { IloEmulator } from '../emulator/ilo-emulator.js';
import { isIloModel } from '../emulator/ilo/ilo-device.js';
import { banner } from '../emulator/wti/screens.js';

/** `fencekit emulate`: flags as commander parsed them. */
export interface EmulateFlags {
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

/** The built-in demo password of emulator/default-config.json, the only one ever printed. */
const DEMO_PASSWORD = 'changeme';

function number(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new UsageError(`${flag} '${value}' is not a number ≥ 0`);
  return n;
}

export function buildConfig(flags: EmulateFlags): { config: EmulatorConfig; overrides: Partial<EmulatorConfig> } {
  let fromFile: Partial<EmulatorConfig> = {};
  if (flags.config) {
    let text: string;
    try {
      text = fs.readFileSync(flags.config, 'utf8');
    } catch (err) {
      throw new UsageError(`cannot read the config file ${flags.config}: ${(err as Error).message}`);
    }
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (err) {
      throw new UsageError(`config file ${flags.config} is not valid JSON: ${(err as Error).message}`);
    }
    fromFile = validateConfig(raw, flags.config);
  }
  const wiring = validateConfig(
    stripUndefined({
      model: flags.model,
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
  const overrides = stripUndefined({
    password: readPassword(flags),
    plugs: flags.plug?.map(parsePlugFlag),
    bootDelay: number('--boot-delay', flags.bootDelay),
    idleTimeout: number('--idle-timeout', flags.idleTimeout),
    siteId: flags.siteId,
    faults: flags.fault,
    username: flags.username,
    role: flags.role,
    community: flags.community,
    transition: number('--transition', flags.transition),
  }) as Partial<EmulatorConfig>;
  validateConfig({ ...overrides, plugs: undefined }, 'command line');
  const model = wiring.model ?? fromFile.model ?? 'ips800';
  const faults = faultsOf(model);
  for (const fault of overrides.faults ?? []) {
    if (!faults.includes(fault)) throw new UsageError(`--fault '${fault}' is not one of: ${faults.join(', ')}`);
  }
  const config: EmulatorConfig = {
    model: 'ips800',
    // An iLO serves no telnet: its front-ends are TLS, HTTPS and SSH.
    listen: isIloModel(model) ? null : DEFAULT_LISTEN,
    ...fromFile,
    ...wiring,
  };
  if (isIloModel(config.model)) {
    if (config.listen) {
      throw new UsageError('an iLO serves no telnet: give --tls, --https or --ssh instead of --listen');
    }
    if (config.serial) throw new UsageError('--serial is served for the WTI models only');
    if (!config.tls && !config.https && !config.ssh) {
      throw new UsageError('nothing to serve: give --tls, --https or --ssh');
    }
    return { config, overrides };
  }
  for (const key of ['tls', 'https', 'cert', 'key'] as const) {
    if (config[key]) throw new UsageError(`--${key} is for the iLO models (ilo2, ilo3, ilo4, ilo5)`);
  }
  if (overrides.transition !== undefined) {
    throw new UsageError('--transition is for the iLO models (ilo2, ilo3, ilo4, ilo5)');
  }
  if (config.listen === null && !config.serial && !config.ssh && !config.snmp) {
    throw new UsageError('nothing to serve: give --listen, --serial, --ssh or --snmp');
  }
  if (config.serial && isApcModel(config.model)) throw new UsageError('--serial is served for the WTI models only');
  return { config, overrides };
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
  if (e?.code === 'ENOENT' || e?.code === 'EACCES') return new StartError(e.message, { cause: err });
  return err instanceof Error ? err : new Error(String(err));
}

/** The emulator could not start for a reason outside the user's flags. */
class StartError extends FencekitError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('ECONNECTION', message, options);
  }
}

/** How to reach a WTI unit with the real clients. */
function wtiHints(emulator: WtiEmulator, config: EmulatorConfig): string[] {
  const device = emulator.device;
  const lines: string[] = [];
  if (emulator.telnet) {
    const a = emulator.telnet.address;
    lines.push(`listening on ${a.address}:${a.port} (telnet, ${device.personality.product} ${device.personality.firmware}, model ${config.model})`);
    const pw = device.systemPassword === null ? null : device.systemPassword === DEMO_PASSWORD ? DEMO_PASSWORD : '<password>';
    lines.push(`  connect:  telnet ${a.address} ${a.port}`);
    lines.push(`  fence:    fence_wti -a ${a.address} -u ${a.port}${pw ? ` -p ${pw}` : ''} -o list`);
    if (a.port === 23) lines.push(`  stonith:  stonith -t wti_nps ipaddr=${a.address} password=${pw ?? '<password>'} -l`);
  }
  if (emulator.serial) lines.push(`listening on ${config.serial} (serial, ${config.baud ?? 9600} baud)`);
  if (device.systemPassword === null) {
    lines.push('  note: no system password is set; cluster-glue wti_nps needs one (--password, --password-file or FENCEKIT_PASSWORD)');
  }
  return lines;
}

/** How to reach an APC card with the real clients. */
function apcHints(emulator: ApcEmulator, config: EmulatorConfig): string[] {
  const user = emulator.device.users[0];
  const login = user ? `-l ${user.name} -p ${user.password === 'apc' ? 'apc' : '<password>'}` : '';
  const lines: string[] = [];
  const model = `${config.model}, AOS v${emulator.device.firmware}`;
  if (emulator.telnet) {
    const a = emulator.telnet.address;
    lines.push(`listening on ${a.address}:${a.port} (telnet, ${model})`);
    lines.push(`  fence:    fence_apc -a ${a.address} -u ${a.port} ${login} -o list`);
  }
  if (emulator.ssh) {
    const a = emulator.ssh.address;
    lines.push(`listening on ${a.address}:${a.port} (ssh, ${model})`);
    lines.push(`  fence:    fence_apc -x -a ${a.address} -u ${a.port} ${login} -o list --ssh-options='-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null'`);
  }
  if (emulator.snmp) {
    const a = emulator.snmp.address;
    lines.push(`listening on ${a.address}:${a.port} (snmp, udp)`);
    lines.push(`  fence:    fence_apc_snmp -a ${a.address} -u ${a.port} -c <community> -o list`);
  }
  return lines;
}

/** How to reach an iLO with the real clients. */
function iloHints(emulator: IloEmulator): string[] {
  const d = emulator.device;
  const user = d.users[0] ?? { name: 'admin', password: 'admin' };
  // Only the built-in default is ever printed.
  const pw = user.password === 'admin' ? 'admin' : '<password>';
  const id = d.identity;
  const what = `${id.processor} firmware ${id.firmware}, RIBCL ${id.ribcl}`;
  const cert = emulator.certificate;
  const lines: string[] = [];
  const fence = (a: { address: string; port: number }) =>
    `  fence:    fence_ilo -a ${a.address} -u ${a.port} -l ${user.name} -p ${pw} --ssl-insecure -o status`;
  // riloe hands ilo_hostname to Python's http.client, which reads a ":port" too.
  const riloe = (a: { address: string; port: number }) =>
    `  stonith:  SSL_CERT_FILE=${cert?.certFile ?? '<certificate>'} stonith -t external/riloe hostlist=${d.hostName}` +
    ` ilo_hostname=${a.address}${a.port === 443 ? '' : `:${a.port}`} ilo_user=${user.name} ilo_password=${pw} -S`;
  if (emulator.tls) {
    const a = emulator.tls.address;
    lines.push(`listening on ${a.address}:${a.port} (tls, raw RIBCL, ${what})`);
    lines.push(fence(a), riloe(a));
  }
  if (emulator.https) {
    const a = emulator.https.address;
    lines.push(`listening on ${a.address}:${a.port} (https, raw RIBCL and HTTP, ${what})`);
    lines.push(fence(a), riloe(a));
    if (d.model === 'ilo4' || d.model === 'ilo5') {
      lines.push(
        `  redfish:  fence_redfish -a ${a.address} -u ${a.port} -l ${user.name} -p ${pw} --ssl-insecure -o status`,
      );
    }
  }
  if (cert) {
    if (cert.certFile) lines.push(`  cert:     ${cert.certFile}${cert.generated ? ' (made at this start)' : ''}`);
    else lines.push('  cert:     made for this run only; for one riloe can trust, give --state or --cert/--key');
    if (cert.replaced) lines.push(`  note:     the kept certificate was replaced: ${cert.replaced}`);
    lines.push(`  sha256:   ${cert.fingerprint256}`);
  }
  if (emulator.ssh) {
    const a = emulator.ssh.address;
    lines.push(`listening on ${a.address}:${a.port} (ssh, SMASH CLP)`);
    lines.push(
      `  fence:    fence_ilo_ssh -x -a ${a.address} -u ${a.port} -l ${user.name} -p ${pw} -o status` +
        ` --ssh-options='-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null'`,
    );
  }
  return lines;
}

/** The one-row plug table of an iLO: its server. */
function iloTable(emulator: IloEmulator) {
  const d = emulator.device;
  return {
    all: () => [{ number: 1, name: d.hostName, state: d.power, bootDelayMs: d.transitionSeconds * 1000 }],
  };
}

/** Start, print how to connect, run until SIGINT/SIGTERM. */
export async function runEmulate(flags: EmulateFlags): Promise<void> {
  let built: ReturnType<typeof buildConfig>;
  try {
    built = buildConfig(flags);
  } catch (err) {
    throw startupError(err);
  }
  const onTerminal = built.config.console ?? Boolean(process.stdout.isTTY);
  // Off a terminal, log from the first event on ("listening" included).
  const bus = new EventBus();
  const stopLog = onTerminal ? () => {} : logEvents(bus);
  let emulator: WtiEmulator | ApcEmulator | IloEmulator;
  try {
    const { config, overrides } = built;
    const model = config.model;
    emulator = isApcModel(model)
      ? await ApcEmulator.start({ config: { ...config, model }, overrides, bus })
      : isIloModel(model)
        ? await IloEmulator.start({ config: { ...config, model }, overrides, bus })
        : await WtiEmulator.start({ config: { ...config, model }, overrides, bus });
  } catch (err) {
    stopLog();
    throw startupError(err);
  }
  // Listen for the signals before saying we are ready, so a quick Ctrl-C is never lost.
  const stopRequested = new Promise<void>((resolve) => {
    const shutdown = () => {
      process.off('SIGINT', shutdown);
      process.off('SIGTERM', shutdown);
      resolve();
    };
    process.on('SIGINT', shutdown);
    process.on('SIGTERM', shutdown);
  });
  const { config } = built;
  const lines =
    emulator instanceof ApcEmulator
      ? apcHints(emulator, config)
      : emulator instanceof IloEmulator
        ? iloHints(emulator)
        : wtiHints(emulator, config);
  if (config.state) lines.push(`  state:    ${config.state}`);

  let stopOutput: () => void;
  if (onTerminal) {
    const title =
      emulator instanceof ApcEmulator
        ? `APC ${emulator.device.model} (AOS v${emulator.device.firmware})`
        : emulator instanceof IloEmulator
          ? `HP ${emulator.device.identity.processor} (firmware ${emulator.device.identity.firmware}),` +
            ` server ${emulator.device.hostName}`
          : banner(emulator.device);
    const table = emulator instanceof IloEmulator ? iloTable(emulator) : emulator.device.bank;
    const header = [...lines, '  Ctrl-C stops the emulator.'];
    const view = new ConsoleView(table, title, emulator.bus, process.stdout, header);
    view.start();
    stopOutput = () => view.stop();
  } else {
    process.stdout.write(`${lines.join('\n')}\n`);
    stopOutput = stopLog;
  }

  await stopRequested;
  await emulator.stop();
  stopOutput();
  if (!onTerminal) process.stdout.write('stopped\n');
}
