import { FencekitError, UsageError } from '../src/errors.js';
import type { PlugInfo, PlugResult, PowerSwitch } from '../src/power-switch.js';
import { transcriptTo } from '../src/transcript.js';
import { EXIT, EXIT_BY_CODE } from './exit-codes.js';
import { readPassword } from './secrets.js';

/** `fencekit power <action> [plug…]`: flags as commander parsed them. */
export interface PowerFlags {
  driver: string;
  host?: string;
  port?: string;
  serial?: string;
  baud?: string;
  username?: string;
  password?: string;
  passwordFile?: string;
  timeout?: string;
  json?: boolean;
  verbose?: boolean;
  ssh?: boolean;
  community?: string;
  snmpVersion?: string;
  mode?: string;
  hostKey?: string;
  insecure?: boolean;
  ca?: string;
  method?: string;
}

/** Drivers of a board that manages one server: the plug may be left out. */
const SINGLE_SERVER = new Set(['ilo', 'ilo-ssh', 'redfish']);

const ACTIONS = ['on', 'off', 'reboot', 'status', 'list'] as const;
type Action = (typeof ACTIONS)[number];

async function openSwitch(flags: PowerFlags): Promise<PowerSwitch> {
  const password = readPassword(flags);
  const port = flags.port === undefined ? undefined : Number(flags.port);
  if (port !== undefined && !(Number.isInteger(port) && port > 0 && port < 65536)) {
    throw new UsageError(`--port '${flags.port}' is not a port number`);
  }
  if ((flags.host === undefined) === (flags.serial === undefined)) {
    throw new UsageError('give either --host or --serial');
  }
  if (flags.ssh && flags.driver !== 'apc') throw new UsageError('--ssh is for the apc driver (use --driver ilo-ssh for an iLO)');
  const timeoutMs = flags.timeout === undefined ? undefined : Number(flags.timeout) * 1000;
  if (timeoutMs !== undefined && !(timeoutMs > 0)) throw new UsageError(`--timeout '${flags.timeout}' is not a number of seconds`);
  const transcript = flags.verbose ? transcriptTo((line) => process.stderr.write(`${line}\n`)) : undefined;
  switch (flags.driver) {
    case 'wti': {
      const { createWtiSwitch } = await import('../drivers/wti/index.js');
      return createWtiSwitch({
        host: flags.host,
        port,
        serial: flags.serial === undefined ? undefined : { path: flags.serial, baudRate: flags.baud ? Number(flags.baud) : undefined },
        username: flags.username,
        password,
        timeoutMs,
        transcript,
      });
    }
    case 'apc': {
      if (flags.serial !== undefined) throw new UsageError('the apc driver speaks telnet or SSH, not serial');
      if (flags.mode !== undefined && !['auto', 'menu', 'cli'].includes(flags.mode)) {
        throw new UsageError(`--mode '${flags.mode}' is not auto, menu or cli`);
      }
      const { createApcSwitch } = await import('../drivers/apc/index.js');
      const common = {
        username: flags.username,
        password,
        mode: flags.mode as 'auto' | 'menu' | 'cli' | undefined,
        timeoutMs,
        transcript,
      };
      if (flags.ssh) {
        const { connectSsh } = await import('../src/transport/ssh.js');
        const host = flags.host as string;
        const sshPort = port ?? 22;
        // The card's identity is checked unless the user says, knowingly, not to.
        const hostKey = flags.insecure ? ('insecure' as const) : flags.hostKey ? { sha256: flags.hostKey } : undefined;
        return createApcSwitch({
          ...common,
          preAuthenticated: true,
          connect: (deadline) =>
            connectSsh({
              host,
              port: sshPort,
              username: flags.username ?? '',
              password: password ?? '',
              timeoutMs: deadline.phase('connect', 10_000),
              signal: deadline.signal,
              hostKey: hostKey,
            }),
        });
      }
      return createApcSwitch({ ...common, host: flags.host, port });
    }
    case 'apc-snmp': {
      const version = flags.snmpVersion ?? '1';
      if (version !== '1' && version !== '2c' && version !== '3') throw new UsageError(`--snmp-version '${version}' is not 1, 2c or 3`);
      const { createApcSnmpSwitch } = await import('../drivers/apc/index.js');
      return createApcSnmpSwitch({
        host: flags.host as string,
        port,
        version,
        // The community is the SNMP v1/v2c secret: it may come from the password file or variable.
        community: flags.community ?? password,
        user: version === '3' ? { name: flags.username ?? '', authKey: password, privKey: password } : undefined,
        timeoutMs,
        transcript,
      });
    }
    case 'ilo':
    case 'redfish': {
      if (flags.host === undefined) throw new UsageError(`the ${flags.driver} driver needs --host`);
      let ca: Buffer | undefined;
      if (flags.ca !== undefined) {
        const fs = await import('node:fs');
        try {
          ca = fs.readFileSync(flags.ca);
        } catch (err) {
          throw new UsageError(`cannot read --ca ${flags.ca}: ${(err as Error).message}`);
        }
      }
      const { createIloSwitch, createRedfishSwitch } = await import('../drivers/ilo/index.js');
      const common = {
        host: flags.host,
        port,
        username: flags.username ?? 'Administrator',
        password: password ?? '',
        ca,
        insecure: flags.insecure,
        timeoutMs,
        transcript,
      };
      if (flags.driver === 'redfish') return createRedfishSwitch(common);
      if (flags.method !== undefined && flags.method !== 'power' && flags.method !== 'button') {
        throw new UsageError(`--method '${flags.method}' is not power or button`);
      }
      return createIloSwitch({ ...common, method: flags.method as 'power' | 'button' | undefined });
    }
    case 'ilo-ssh': {
      const { createIloSshSwitch } = await import('../drivers/ilo/index.js');
      return createIloSshSwitch({
        host: flags.host as string,
        port,
        username: flags.username ?? 'Administrator',
        password: password ?? '',
        hostKey: flags.insecure ? 'insecure' : flags.hostKey ? { sha256: flags.hostKey } : undefined,
        timeoutMs,
        transcript,
      });
    }
    default:
      throw new UsageError(`unknown driver '${flags.driver}' (known: wti, apc, apc-snmp, ilo, ilo-ssh, redfish)`);
  }
}

function describe(p: PlugInfo): string {
  return `plug ${p.plug}${p.name ? ` (${p.name})` : ''}`;
}

function human(action: Action, results: PlugResult[] | PlugInfo[]): string {
  if (action === 'list') {
    return results.map((p) => `${String(p.plug).padStart(3)}  ${(p.name ?? '-').padEnd(16)}  ${p.state.toUpperCase()}`).join('\n');
  }
  return (results as PlugResult[])
    .map((r) => {
      const state = r.state.toUpperCase();
      if (action === 'status') return `${describe(r)}: ${state}`;
      if (action === 'reboot') return `${describe(r)}: rebooted, ${state}`;
      return `${describe(r)}: ${state}${r.changed ? '' : ` (already ${r.state})`}`;
    })
    .join('\n');
}

/** Runs the command; returns the exit status. */
export async function runPower(action: string, plugArgs: string[], flags: PowerFlags): Promise<number> {
  const started = Date.now();
  let plugs = plugArgs;
  const report = (body: object) => process.stdout.write(`${JSON.stringify(body)}\n`);
  try {
    if (!(ACTIONS as readonly string[]).includes(action)) {
      throw new UsageError(`unknown action '${action}' (one of ${ACTIONS.join(', ')})`);
    }
    const a = action as Action;
    if (a !== 'list' && plugs.length === 0 && SINGLE_SERVER.has(flags.driver)) plugs = ['1'];
    if (a === 'list' ? plugs.length > 0 : plugs.length === 0) {
      throw new UsageError(a === 'list' ? 'list takes no plug' : `${a} needs a plug number or name`);
    }
    const sw = await openSwitch(flags);
    try {
      const target = plugs.length === 1 ? (plugs[0] as string) : plugs;
      const results = a === 'list' ? await sw.list() : await sw[a](target);
      if (flags.json) report({ ok: true, action: a, ms: Date.now() - started, plugs: results });
      else process.stdout.write(`${human(a, results)}\n`);
      // As fence agents do: status is "on" if any of the plugs is on.
      return a === 'status' && !results.some((r) => r.state === 'on') ? EXIT.statusOff : EXIT.ok;
    } finally {
      await sw.close();
    }
  } catch (err) {
    const e = err instanceof FencekitError ? err : null;
    const code = e ? e.code : 'EFAILED';
    const message = err instanceof Error ? err.message : String(err);
    if (flags.json) report({ ok: false, action, ms: Date.now() - started, error: { code, message } });
    process.stderr.write(`fencekit: ${action}: ${message}${e ? ` [${code}]` : ''}\n`);
    return e ? EXIT_BY_CODE[e.code] : EXIT.failed;
  }
}
