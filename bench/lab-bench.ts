import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * What a lab of 1,000 units costs in memory: `fencekit lab` with 960 WTI
 * IPS-800s, 30 APC Rack PDUs and 10 iLO 4s (telnet, telnet, Redfish), all on
 * 127.0.7.100 port 0, no admin API, against a bare `node` process measured
 * in the same run. The figure is the lab's resident set once it says it is
 * ready. Goal: under 200 MB. Run after a build: `node dist/bench/lab-bench.js`
 * (address in test/helpers/ADDRESSES.md).
 */
const UNITS = Number(process.env.BENCH_LAB_UNITS ?? 1000);
const GOAL_MB = 200;
const HOST = '127.0.7.100';
const here = path.dirname(fileURLToPath(import.meta.url));
const FENCEKIT = path.resolve(here, '../cli/fencekit.js');

function labConfig(): unknown {
  const units: unknown[] = [];
  const ilos = Math.round(UNITS / 100);
  const apcs = Math.round((UNITS * 3) / 100);
  for (let i = 0; i < UNITS; i++) {
    const name = `unit-${i}`;
    if (i < ilos) units.push({ name, model: 'ilo4', https: `${HOST}:0` });
    else if (i < ilos + apcs) units.push({ name, model: 'apc-rackpdu', listen: `${HOST}:0` });
    else units.push({ name, model: 'ips800', listen: `${HOST}:0`, password: 'bench' });
  }
  return { admin: null, units };
}

/** Resident set of a process, in MB, from /proc. */
function rssMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1]);
  return kb / 1024;
}

/** Start a process, wait until `ready(stdout)`, measure, stop it by pid. */
function measure(args: string[], ready: (out: string) => boolean): Promise<{ mb: number; ms: number }> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error('not ready within 5 minutes'));
    }, 300_000);
    child.stdout.on('data', (d) => {
      out += d;
      if (!ready(out) || child.pid === undefined) return;
      clearTimeout(timer);
      const ms = Date.now() - started;
      // Let the start's garbage be collected as it would be in a running lab.
      setTimeout(() => {
        const mb = rssMb(child.pid as number);
        child.once('exit', () => resolve({ mb, ms }));
        child.kill('SIGTERM');
      }, 2000);
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (!ready(out)) reject(new Error(`exited ${code} before it was ready`));
    });
  });
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fencekit-lab-bench-'));
  try {
    const file = path.join(dir, 'lab.json');
    fs.writeFileSync(file, JSON.stringify(labConfig()));
    const bare = await measure(['-e', 'console.log("ready"); setInterval(() => {}, 1000)'], (o) => o.includes('ready'));
    const lab = await measure([FENCEKIT, 'lab', file, '--json', '--state-dir', path.join(dir, 'state')], (o) =>
      o.includes('\n'),
    );
    const verdict = lab.mb < GOAL_MB ? 'within the goal' : 'OVER THE GOAL';
    process.stdout.write(
      `${[
        `lab of ${UNITS} units (WTI, APC, iLO) in one process`,
        `  RSS:        ${lab.mb.toFixed(1)} MB (goal < ${GOAL_MB} MB: ${verdict})`,
        `  bare node:  ${bare.mb.toFixed(1)} MB (the same run), so ${(lab.mb - bare.mb).toFixed(1)} MB for the units, ${(((lab.mb - bare.mb) * 1024) / UNITS).toFixed(0)} KB each`,
        `  ready in:   ${(lab.ms / 1000).toFixed(1)} s`,
      ].join('\n')}\n`,
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`lab bench: ${(err as Error).message}\n`);
  process.exit(1);
});
