import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createWtiSwitch } from '../drivers/wti/index.js';
import { WtiEmulator } from '../emulator/wti-emulator.js';
import { bareRate } from './bare-server.js';
import { sessionRate } from './session-rate.js';
import { writesPerSession } from './socket-writes.js';
import { emulateStartup, median, wtiImportCost } from './startup.js';

/**
 * `npm run bench`, in one run on this machine:
 * - the median time of one status and one reset (and a list), for the library
 *   in-process, fencekit-stonith, cluster-glue's stonith and fence_wti, all
 *   against one emulator with zero delays. Ratios are against fence_wti, the
 *   reference client. Peak memory (max RSS) of each command is shown where GNU
 *   time is installed.
 * - fencekit's own figures against their goals: what importing `fencekit/wti`
 *   adds to a bare node start, how soon `fencekit emulate` listens against a
 *   bare node start, the telnet server's socket writes per session, and full
 *   WTI sessions per second for one unit and for eight in one process.
 * Each part is bounded in runs and time, so the whole finishes in a few minutes
 * even on a busy machine.
 */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const FENCEKIT_STONITH = path.join(root, 'dist/bin/fencekit-stonith.js');
const FENCEKIT = path.join(root, 'dist/bin/fencekit.js');
const WTI_ENTRY = path.join(root, 'dist/drivers/wti/index.js');
const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const HOST = '127.0.0.200';
/** fencekit's own figures use 127.0.1.60–68 (test/helpers/ADDRESSES.md). */
const EMULATE_LISTEN = '127.0.1.60:0';
const RATE_HOSTS = '127.0.1.61';
const PASSWORD = 'bench';
const GNU_TIME = fs.existsSync('/usr/bin/time') ? '/usr/bin/time' : null;

interface Sample {
  ms: number;
  rssKb?: number;
}

function command(argv: string[]): Promise<Sample> {
  const [cmd, ...args] = GNU_TIME ? [GNU_TIME, '-f', 'RSS=%M', ...argv] : argv;
  const started = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const child = spawn(cmd as string, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => {
      err += d;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      // Exit 2 is fence_wti's "status: off"; anything else non-zero is a failed run.
      if (code !== 0 && code !== 2) return reject(new Error(`${argv.join(' ')} exited ${code}: ${err}`));
      const rss = /RSS=(\d+)/.exec(err);
      resolve({ ms, rssKb: rss ? Number(rss[1]) : undefined });
    });
  });
}

async function measure(label: string, fn: () => Promise<Sample | undefined>): Promise<Sample | undefined> {
  try {
    await fn(); // warm-up: JIT, connection set-up paths
    await fn();
  } catch (err) {
    process.stderr.write(`${label}: failed, left out: ${(err as Error).message.split('\n')[0]}\n`);
    return undefined;
  }
  const samples: Sample[] = [];
  for (let i = 0; i < RUNS; i++) {
    const s = await fn();
    if (s) samples.push(s);
    process.stderr.write(`\r${label}: ${i + 1}/${RUNS}   `);
  }
  process.stderr.write('\r\x1b[K');
  const rss = samples.map((s) => s.rssKb).filter((v): v is number => v !== undefined);
  return { ms: median(samples.map((s) => s.ms)), rssKb: rss.length ? Math.max(...rss) : undefined };
}

async function inProcess(fn: () => Promise<unknown>): Promise<Sample> {
  const started = process.hrtime.bigint();
  await fn();
  return { ms: Number(process.hrtime.bigint() - started) / 1e6 };
}

interface Goal {
  what: string;
  value: string;
  goal: string;
  /** null: a figure shown for context, with no goal of its own. */
  met: boolean | null;
}

/** fencekit's own figures, each beside its goal. A part that fails is reported, not fatal. */
async function goals(): Promise<Goal[]> {
  const out: Goal[] = [];
  const attempt = async (what: string, fn: () => Promise<Goal>) => {
    process.stderr.write(`${what}…\n`);
    try {
      out.push(await fn());
    } catch (err) {
      out.push({ what, value: `failed: ${(err as Error).message.split('\n')[0]}`, goal: '', met: false });
    }
  };
  await attempt('import fencekit/wti', async () => {
    const c = await wtiImportCost(RUNS, WTI_ENTRY);
    const over = c.ms - c.bareMs;
    return {
      what: 'import fencekit/wti over `node -e 0`',
      value: `+${over.toFixed(1)} ms (${c.ms.toFixed(1)} vs ${c.bareMs.toFixed(1)} ms)`,
      goal: '≤ +25 ms',
      met: over <= 25,
    };
  });
  await attempt('fencekit emulate', async () => {
    const c = await emulateStartup(RUNS, FENCEKIT, EMULATE_LISTEN);
    const ratio = c.ms / c.bareMs;
    return {
      what: 'fencekit emulate until "listening on"',
      value: `x${ratio.toFixed(2)} of a bare node start (${c.ms.toFixed(0)} vs ${c.bareMs.toFixed(0)} ms)`,
      goal: '≤ x1.5',
      met: ratio <= 1.5,
    };
  });
  await attempt('socket writes', async () => {
    const writes = await writesPerSession(RATE_HOSTS);
    return {
      what: 'telnet server socket writes, one session',
      value: `${writes} (password prompt, screen after login, /S)`,
      goal: '≤ 3, one per screen',
      met: writes <= 3,
    };
  });
  for (const units of [1, 8]) {
    await attempt(`sessions per second, ${units} unit(s)`, async () => {
      const r = await sessionRate({
        units,
        firstHost: RATE_HOSTS,
        sessionsPerUnit: units === 1 ? 12_000 : 2_500,
        maxMs: 4000,
      });
      const target = units === 1 ? 2500 : 3000;
      return {
        what: units === 1 ? 'full WTI sessions/s, one unit' : 'full WTI sessions/s, eight units',
        value: `${Math.round(r.perSecond)}/s (${r.sessions} in ${r.seconds.toFixed(1)} s, ${r.cpuMsPerSession.toFixed(2)} ms CPU each)`,
        goal: `≥ ${target}/s`,
        met: r.perSecond >= target,
      };
    });
  }
  await attempt('bare server', async () => {
    const r = await bareRate(RATE_HOSTS, 4000);
    return {
      what: 'same client, bare Node server (ceiling)',
      value: `${Math.round(r.perSecond)}/s (${r.cpuMsPerSession.toFixed(2)} ms CPU each)`,
      goal: '-',
      met: null,
    };
  });
  return out;
}

async function main(): Promise<void> {
  const own = await goals();
  const emulator = await WtiEmulator.start({
    config: {
      model: 'ips800',
      listen: `${HOST}:23`,
      password: PASSWORD,
      bootDelay: 0,
      plugs: [{ number: 5, name: 'mclaws' }],
    },
  });
  const have = (p: string) => fs.existsSync(p);
  const rows: { tool: string; status?: Sample; reset?: Sample; list?: Sample }[] = [];
  try {
    const sw = createWtiSwitch({ host: HOST, port: 23, password: PASSWORD });
    rows.push({
      tool: 'fencekit library (in-process)',
      status: await measure('library status', () => inProcess(() => sw.status(5))),
      reset: await measure('library reset', () => inProcess(() => sw.reboot(5))),
      list: await measure('library list', () => inProcess(() => sw.list())),
    });
    const stonithArgs = ['-t', 'wti_nps', `ipaddr=${HOST}`, `password=${PASSWORD}`];
    if (have(FENCEKIT_STONITH)) {
      const fk =
        (...a: string[]) =>
        () =>
          command([process.execPath, FENCEKIT_STONITH, ...stonithArgs, ...a]);
      rows.push({
        tool: 'fencekit-stonith',
        status: await measure('fencekit-stonith -S', fk('-S')),
        reset: await measure('fencekit-stonith -T reset', fk('-T', 'reset', 'mclaws')),
        list: await measure('fencekit-stonith -l', fk('-l')),
      });
    }
    if (have('/usr/sbin/stonith')) {
      const st =
        (...a: string[]) =>
        () =>
          command(['/usr/sbin/stonith', ...stonithArgs, ...a]);
      rows.push({
        tool: 'cluster-glue stonith',
        status: await measure('stonith -S', st('-S')),
        reset: await measure('stonith -T reset', st('-T', 'reset', 'mclaws')),
        list: await measure('stonith -l', st('-l')),
      });
    }
    if (have('/usr/sbin/fence_wti')) {
      const fw =
        (...a: string[]) =>
        () =>
          command(['/usr/sbin/fence_wti', '-a', HOST, '-u', '23', '-p', PASSWORD, ...a]);
      rows.push({
        tool: 'fence_wti',
        status: await measure('fence_wti status', fw('-n', '5', '-o', 'status')),
        reset: await measure('fence_wti reboot', fw('-n', '5', '-o', 'reboot')),
        list: await measure('fence_wti list', fw('-o', 'list')),
      });
    }
  } finally {
    await emulator.stop();
  }

  const ref = rows.find((r) => r.tool === 'fence_wti');
  const cell = (s: Sample | undefined, r: Sample | undefined) => {
    if (!s) return '-'.padStart(22);
    const ratio = r ? `  x${(r.ms / s.ms).toFixed(1)}` : '';
    return `${s.ms.toFixed(1).padStart(8)} ms${ratio.padEnd(8)}`.padStart(22);
  };
  const mem = (r: (typeof rows)[number]) => {
    const kb = [r.status, r.reset, r.list].map((s) => s?.rssKb).filter((v): v is number => v !== undefined);
    return kb.length ? `${(Math.max(...kb) / 1024).toFixed(1)} MB` : '-';
  };
  console.log(`\nWTI IPS-800 emulator on ${HOST}:23, zero delays; median of ${RUNS} runs each.`);
  console.log('"xN" = N times faster than fence_wti doing the same (status: -S for stonith; reset: reboot).\n');
  console.log(`${'tool'.padEnd(30)} ${'status'.padStart(22)} ${'reset'.padStart(22)} ${'list'.padStart(22)}  max RSS`);
  for (const r of rows) {
    console.log(
      `${r.tool.padEnd(30)} ${cell(r.status, ref?.status)} ${cell(r.reset, ref?.reset)} ${cell(r.list, ref?.list)}  ${mem(r)}`,
    );
  }
  if (!GNU_TIME) console.log('\n(max RSS needs GNU time: apt-get install time)');

  console.log(`\nfencekit's own figures (medians of ${RUNS} alternating runs where timed against node):\n`);
  const w = Math.max(...own.map((g) => g.what.length));
  const v = Math.max(...own.map((g) => g.value.length));
  for (const g of own) {
    console.log(
      `${g.what.padEnd(w)}  ${g.value.padEnd(v)}  goal ${g.goal.padEnd(20)} ${g.met === null ? '(context)' : g.met ? 'met' : 'NOT MET'}`,
    );
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
