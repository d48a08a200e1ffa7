import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { WtiEmulator } from '../emulator/wti-emulator.js';

/**
 * The fence agent's start-up and status time: `fence_fencekit` (options on
 * stdin, as Pacemaker runs it) next to `fence_wti -o status` and a bare
 * `node -e 0`, against one emulated IPS-800 with no delays, in one run with
 * the three commands taken in turn, so load on the machine falls on all
 * three alike. Medians; the goals are the issue's: at least 2.5× faster than
 * fence_wti, at most 1.5× a bare Node start.
 */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const AGENT = path.join(root, 'dist/bin/fence_fencekit.js');
const FENCE_WTI = '/usr/sbin/fence_wti';
const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const HOST = '127.0.2.90';
const PASSWORD = 'bench';

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/** Milliseconds from spawn to exit; exit 0 and 2 ("status: off") are successes. */
function timed(argv: string[], input = ''): Promise<number> {
  const started = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0] as string, argv.slice(1), { stdio: ['pipe', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => {
      err += d;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code !== 0 && code !== 2) return reject(new Error(`${argv.join(' ')} exited ${code}: ${err}`));
      resolve(Number(process.hrtime.bigint() - started) / 1e6);
    });
    child.stdin.on('error', () => {});
    child.stdin.end(input);
  });
}

async function main(): Promise<void> {
  const emulator = await WtiEmulator.start({
    config: { model: 'ips800', listen: `${HOST}:0`, password: PASSWORD, bootDelay: 0, console: false },
  });
  const port = emulator.telnet?.address.port ?? 0;
  const commands: Record<string, { argv: string[]; input?: string }> = {
    'node -e 0': { argv: [process.execPath, '-e', '0'] },
    fence_fencekit: {
      argv: [process.execPath, AGENT],
      input: `driver=wti\nip=${HOST}\nipport=${port}\npassword=${PASSWORD}\nplug=1\naction=status\n`,
    },
    'fence_wti -o status': {
      argv: [FENCE_WTI, '-a', HOST, '-u', String(port), '-p', PASSWORD, '-n', '1', '-o', 'status'],
    },
  };
  const samples: Record<string, number[]> = Object.fromEntries(Object.keys(commands).map((k) => [k, []]));
  const failed = new Set<string>();
  try {
    for (let i = -1; i < RUNS; i++) {
      for (const [label, c] of Object.entries(commands)) {
        if (failed.has(label)) continue;
        try {
          const ms = await timed(c.argv, c.input);
          // Round -1 warms the page cache and the emulator; it is not counted.
          if (i >= 0) samples[label]?.push(ms);
        } catch (err) {
          failed.add(label);
          process.stderr.write(`${label}: failed, left out: ${(err as Error).message.split('\n')[0]}\n`);
        }
      }
      process.stderr.write(`\rfence agent bench: ${i + 1}/${RUNS}   `);
    }
  } finally {
    process.stderr.write('\r\x1b[K');
    await emulator.stop();
  }
  const med = (label: string) => (samples[label]?.length ? median(samples[label] as number[]) : undefined);
  const node = med('node -e 0');
  const agent = med('fence_fencekit');
  const wti = med('fence_wti -o status');
  process.stdout.write(
    `fence agent status, median of ${RUNS} runs each, taken in turn (one emulated IPS-800, no delays)\n`,
  );
  for (const label of Object.keys(commands)) {
    const m = med(label);
    process.stdout.write(`  ${label.padEnd(22)} ${m === undefined ? 'n/a' : `${m.toFixed(1)} ms`}\n`);
  }
  const verdict = (ok: boolean) => (ok ? 'met' : 'NOT met');
  if (agent !== undefined && wti !== undefined) {
    const r = wti / agent;
    process.stdout.write(`  fence_wti / fence_fencekit: ${r.toFixed(2)}× (goal ≥ 2.5×: ${verdict(r >= 2.5)})\n`);
  }
  if (agent !== undefined && node !== undefined) {
    const r = agent / node;
    process.stdout.write(`  fence_fencekit / node -e 0: ${r.toFixed(2)}× (goal ≤ 1.5×: ${verdict(r <= 1.5)})\n`);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exitCode = 1;
});
