import { spawn } from 'node:child_process';

/**
 * Start-up costs, each against a bare `node` start measured in the same
 * loop (the runs alternate, so a busy machine weighs on both sides alike):
 * importing `fencekit/wti`, and `fencekit emulate` until it says "listening on".
 */

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/** Milliseconds from spawn to exit; a failed run rejects. */
function runToExit(args: string[]): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => {
      err += d;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(performance.now() - started);
      else reject(new Error(`node ${args.join(' ')} exited ${code}: ${err}`));
    });
  });
}

/**
 * Milliseconds from spawn until `marker` shows on stdout or stderr. The child is
 * then stopped by its pid, and the promise settles once it has exited, so it
 * does not weigh on the next run.
 */
function runUntil(args: string[], marker: string): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let seen = '';
    let ms: number | null = null;
    let failure: Error | null = null;
    const stop = () => {
      clearTimeout(timer);
      if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
        process.kill(child.pid, 'SIGTERM');
      }
    };
    const watch = (d: Buffer) => {
      seen += d.toString();
      if (ms === null && seen.includes(marker)) {
        ms = performance.now() - started;
        stop();
      }
    };
    child.stdout.on('data', watch);
    child.stderr.on('data', watch);
    const timer = setTimeout(() => {
      failure = new Error(`no "${marker}" within 30 s: ${seen.slice(-200)}`);
      stop();
    }, 30_000);
    child.on('error', (err) => {
      failure = err;
      stop();
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (ms !== null) resolve(ms);
      else
        reject(failure ?? new Error(`node ${args.join(' ')} exited ${code} before "${marker}": ${seen.slice(-200)}`));
    });
  });
}

export interface Comparison {
  /** Median of the measured command. */
  ms: number;
  /** Median of the bare node start it is compared with. */
  bareMs: number;
}

/** Alternate `runs` bare starts with `runs` measured ones, after one warm-up each. */
async function compare(
  runs: number,
  bare: () => Promise<number>,
  measured: () => Promise<number>,
): Promise<Comparison> {
  await bare();
  await measured();
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < runs; i++) {
    a.push(await bare());
    b.push(await measured());
  }
  return { ms: median(b), bareMs: median(a) };
}

/** `import('fencekit/wti')` against `node -e 0`, both as ES modules (so both start the ESM loader). */
export function wtiImportCost(runs: number, wtiEntry: string): Promise<Comparison> {
  const esm = (code: string) => ['--input-type=module', '-e', code];
  return compare(
    runs,
    () => runToExit(esm('0')),
    () => runToExit(esm(`await import(${JSON.stringify(wtiEntry)})`)),
  );
}

/** `fencekit emulate` of a WTI unit until "listening on", against `node -e 0`. */
export function emulateStartup(runs: number, cli: string, listen: string): Promise<Comparison> {
  return compare(
    runs,
    () => runToExit(['-e', '0']),
    () => runUntil([cli, 'emulate', '--listen', listen, '--password', 'x', '--no-console'], 'listening on'),
  );
}
