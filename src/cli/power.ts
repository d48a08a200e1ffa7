import { FencekitError, UsageError } from '../errors.js';
import type { PlugInfo, PlugResult, PowerSwitch } from '../power-switch.js';
import { transcriptTo } from '../transcript.js';
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
}

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
  const timeoutMs = flags.timeout === undefined ? undefined : Number(flags.timeout) * 1000;
  if (timeoutMs !== undefined && !(timeoutMs > 0)) throw new UsageError(`--timeout '${flags.timeout}' is not a number of seconds`);
  const transcript = flags.verbose ? transcriptTo((line) => process.stderr.write(`${line}\n`)) : undefined;
  switch (flags.driver) {
    case 'wti': {
      const { createWtiSwitch } = await import('../../drivers/wti/index.js');
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
    default:
      throw new UsageError(`unknown driver '${flags.driver}' (known: wti)`);
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
export async function runPower(action: string, plugs: string[], flags: PowerFlags): Promise<number> {
  const started = Date.now();
  const report = (body: object) => process.stdout.write(`${JSON.stringify(body)}\n`);
  try {
    if (!(ACTIONS as readonly string[]).includes(action)) {
      throw new UsageError(`unknown action '${action}' (one of ${ACTIONS.join(', ')})`);
    }
    const a = action as Action;
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
