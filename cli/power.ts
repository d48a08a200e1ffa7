import { FencekitError, UsageError } from '../src/errors.js';
import type { PlugInfo, PlugResult } from '../src/power-switch.js';
import { transcriptTo } from '../src/transcript.js';
import { type PowerFlags, settingsFromFlags } from './driver-flags.js';
import { findDriver } from './drivers.js';
import { EXIT, EXIT_BY_CODE } from './exit-codes.js';

/**
 * `fencekit power <action> [plug…]` over the driver registry: it knows no
 * vendor; the chosen registration says which flags apply and makes the switch.
 */
export type { PowerFlags };

const ACTIONS = ['on', 'off', 'reboot', 'status', 'list'] as const;
type Action = (typeof ACTIONS)[number];

function describe(p: PlugInfo): string {
  return `plug ${p.plug}${p.name ? ` (${p.name})` : ''}`;
}

function human(action: Action, results: PlugResult[] | PlugInfo[]): string {
  if (action === 'list') {
    return results
      .map((p) => `${String(p.plug).padStart(3)}  ${(p.name ?? '-').padEnd(16)}  ${p.state.toUpperCase()}`)
      .join('\n');
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
    const driver = findDriver(flags.driver);
    if (a !== 'list' && plugs.length === 0 && driver.singleServer) plugs = ['1'];
    if (a === 'list' ? plugs.length > 0 : plugs.length === 0) {
      throw new UsageError(a === 'list' ? 'list takes no plug' : `${a} needs a plug number or name`);
    }
    const settings = settingsFromFlags(driver, flags);
    if (flags.verbose) settings.transcript = transcriptTo((line) => process.stderr.write(`${line}\n`));
    const sw = await driver.create(settings);
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
    // A usage error is about the command line, not the action: one line, as commander's own.
    if (code === 'EUSAGE') process.stderr.write(`fencekit: ${message}\n`);
    else process.stderr.write(`fencekit: ${action}: ${message}${e ? ` [${code}]` : ''}\n`);
    return e ? EXIT_BY_CODE[e.code] : EXIT.failed;
  }
}
