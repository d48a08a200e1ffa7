import { AbortedError, FencekitError, UsageError } from '../src/errors.js';
import type { PlugInfo, PlugResult } from '../src/power-switch.js';
import { cutReply } from '../src/progress.js';
import { transcriptTo } from '../src/transcript.js';
import { type PowerFlags, settingsFromFlags } from './driver-flags.js';
import { findDriver } from './drivers.js';
import { EXIT, EXIT_BY_CODE } from './exit-codes.js';
import { progressPrinter } from './progress-printer.js';
import { remedyText } from './remedy.js';
import { commandLineSecretWarnings } from './secrets.js';

/**
 * `fencekit power <action> [plug…]` over the driver registry: it knows no
 * vendor; the chosen registration says which flags apply and makes the switch.
 */
export type { PowerFlags };

/** The longest error message printed; each source already cuts what it echoes, this is the last guard. */
const MESSAGE_LIMIT = 600;

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
  // Ctrl-C or a service manager's TERM aborts the operation cleanly: the session is
  // closed, the JSON object (if asked for) says EABORTED, and the exit status is its code.
  // A second signal finds no handler and ends the process at once.
  const abort = new AbortController();
  let printer: ReturnType<typeof progressPrinter> | undefined;
  const onSignal = (signal: NodeJS.Signals) => abort.abort(new AbortedError(`interrupted by ${signal}`));
  try {
    if (!(ACTIONS as readonly string[]).includes(action)) {
      throw new UsageError(`unknown action '${cutReply(action, 64)}' (one of ${ACTIONS.join(', ')})`);
    }
    const a = action as Action;
    const driver = findDriver(flags.driver);
    if (a !== 'list' && plugs.length === 0 && driver.singleServer) plugs = ['1'];
    if (a === 'list' ? plugs.length > 0 : plugs.length === 0) {
      throw new UsageError(a === 'list' ? 'list takes no plug' : `${a} needs a plug number or name`);
    }
    const settings = settingsFromFlags(driver, flags);
    if (flags.verbose) settings.transcript = transcriptTo((line) => process.stderr.write(`${line}\n`));
    // Progress on stderr: on a terminal by default, always with --progress, never with --quiet
    // (nor with --verbose, whose transcript already says everything).
    if (!flags.quiet && !flags.verbose && (flags.progress || process.stderr.isTTY)) {
      printer = progressPrinter({
        write: (line) => process.stderr.write(`${line}\n`),
        immediate: flags.progress === true,
      });
      settings.progress = printer.listener;
    }
    const sw = await driver.create(settings);
    // Once the flags are known to apply (the driver took them): a secret on the command line is visible in ps.
    for (const line of commandLineSecretWarnings('power', flags)) process.stderr.write(`${line}\n`);
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    try {
      const target = plugs.length === 1 ? (plugs[0] as string) : plugs;
      const opts = { signal: abort.signal };
      const results = a === 'list' ? await sw.list(opts) : await sw[a](target, opts);
      if (flags.json) report({ ok: true, action: a, ms: Date.now() - started, plugs: results });
      else process.stdout.write(`${human(a, results)}\n`);
      // As fence agents do: status is "on" if any of the plugs is on.
      return a === 'status' && !results.some((r) => r.state === 'on') ? EXIT.statusOff : EXIT.ok;
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      await sw.close();
    }
  } catch (err) {
    const e = err instanceof FencekitError ? err : null;
    const code = e ? e.code : 'EFAILED';
    const reason: unknown = abort.signal.reason;
    const message =
      code === 'EABORTED' && reason instanceof Error
        ? reason.message
        : // A guard against runaway echoes (a 10,000-character host name): whatever the source, one readable line.
          `${cutReply(err instanceof Error ? err.message : String(err), MESSAGE_LIMIT)}${e ? remedyText(e, 'flags') : ''}`;
    if (flags.json) report({ ok: false, action, ms: Date.now() - started, error: { code, message } });
    // A usage error is about the command line, not the action: one line, as commander's own.
    if (code === 'EUSAGE') process.stderr.write(`fencekit: ${message}\n`);
    else process.stderr.write(`fencekit: ${action}: ${message}${e ? ` [${code}]` : ''}\n`);
    return e ? EXIT_BY_CODE[e.code] : EXIT.failed;
  } finally {
    printer?.stop();
  }
}
