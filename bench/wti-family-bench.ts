import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { createWtiSwitch } from '../drivers/wti/index.js';
import type { WtiModel } from '../emulator/wti/personality.js';
import { personalities } from '../emulator/wti/personality.js';
import { WtiEmulator } from '../emulator/wti-emulator.js';
import { median } from './startup.js';

/**
 * What `list` costs against the plug count: one WTI unit each of 2, 8 and 16
 * plugs (tps, nps, nps16), zero delays, the library's list() in-process and
 * the real fence_wti `-o list`. Both read one /S screen per list, so the
 * question is how much the longer table adds, per plug.
 * Run after a build: `node dist/bench/wti-family-bench.js`. Addresses
 * 127.0.6.70–72, port 0 (test/helpers/ADDRESSES.md).
 */
const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const PASSWORD = 'bench';
const FENCE_WTI = '/usr/sbin/fence_wti';
const MODELS: WtiModel[] = ['tps', 'nps', 'nps16'];

function timed(fn: () => Promise<void>): Promise<number> {
  const started = process.hrtime.bigint();
  return fn().then(() => Number(process.hrtime.bigint() - started) / 1e6);
}

function fenceWtiList(host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(FENCE_WTI, ['-a', host, '-u', String(port), '-p', PASSWORD, '-o', 'list'], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (d) => {
      err += d;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new Error(`fence_wti -o list exited ${code}: ${err.split('\n')[0]}`));
    });
  });
}

/** Median of RUNS after two warm-up runs, or null when the client failed. */
async function medianMs(label: string, fn: () => Promise<void>): Promise<number | null> {
  try {
    await fn();
    await fn();
    const samples: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      samples.push(await timed(fn));
      process.stderr.write(`\r${label}: ${i + 1}/${RUNS}   `);
    }
    process.stderr.write('\r\x1b[K');
    return median(samples);
  } catch (err) {
    process.stderr.write(`${label}: failed, left out: ${(err as Error).message}\n`);
    return null;
  }
}

const fmt = (ms: number | null) => (ms === null ? '—' : `${ms.toFixed(1)} ms`);

async function main(): Promise<void> {
  const rows: { model: string; plugs: number; lib: number | null; fence: number | null }[] = [];
  const haveFenceWti = fs.existsSync(FENCE_WTI);
  for (const [i, model] of MODELS.entries()) {
    const plugs = personalities[model].plugCount;
    const emulator = await WtiEmulator.start({
      config: { model, listen: `127.0.6.${70 + i}:0`, password: PASSWORD, bootDelay: 0 },
    });
    try {
      const address = emulator.telnet?.address;
      if (!address) throw new Error('the emulator has no telnet address');
      const sw = createWtiSwitch({ host: address.address, port: address.port, password: PASSWORD });
      const lib = await medianMs(`${model} library list`, async () => {
        const listed = await sw.list();
        if (listed.length !== plugs) throw new Error(`listed ${listed.length} plugs of ${plugs}`);
      });
      const fence = haveFenceWti
        ? await medianMs(`${model} fence_wti -o list`, () => fenceWtiList(address.address, address.port))
        : null;
      rows.push({ model, plugs, lib, fence });
    } finally {
      await emulator.stop();
    }
  }
  const out = [`WTI list against plug count (median of ${RUNS} runs, zero delays)`, ''];
  out.push('model   plugs  library list   fence_wti -o list');
  for (const r of rows) {
    out.push(
      `${r.model.padEnd(7)} ${String(r.plugs).padStart(5)}  ${fmt(r.lib).padStart(12)}   ${fmt(r.fence).padStart(17)}`,
    );
  }
  const first = rows[0];
  const last = rows[rows.length - 1];
  if (first && last && last.plugs > first.plugs) {
    const per = (a: number | null, b: number | null) =>
      a === null || b === null ? '—' : `${((b - a) / (last.plugs - first.plugs)).toFixed(2)} ms`;
    out.push('', `per extra plug: library ${per(first.lib, last.lib)}, fence_wti ${per(first.fence, last.fence)}`);
  }
  process.stdout.write(`${out.join('\n')}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error)?.stack ?? String(err)}\n`);
  process.exitCode = 1;
});
