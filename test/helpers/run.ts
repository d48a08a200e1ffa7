import { spawn } from 'node:child_process';
import fs from 'node:fs';

/**
 * Run a program to completion with a deadline, without blocking the event
 * loop (the emulator under test lives in this process). The child is killed,
 * by pid, when the deadline passes.
 */
export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

export function run(
  command: string,
  args: string[],
  opts: { input?: string; timeoutMs?: number; env?: NodeJS.ProcessEnv } = {},
): Promise<RunResult> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      env: opts.env ?? process.env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, ms: Date.now() - started });
    });
    child.stdin.on('error', () => {});
    child.stdin.end(opts.input ?? '');
  });
}

/** Run under a pseudo-terminal (`script`), so a program sees a tty on stdin and stderr. */
export function runOnTty(commandLine: string, opts: { timeoutMs?: number } = {}): Promise<RunResult> {
  return run('script', ['-qec', commandLine, '/dev/null'], opts);
}

/**
 * The real clients are the judges. Outside CI a missing one skips its tests
 * with a loud message; in CI (CI=true) a missing one is a failure.
 */
export function peer(path: string): { available: boolean; skipReason?: string } {
  const available = fs.existsSync(path);
  if (available) return { available };
  const reason = `${path} is not installed: apt-get install -y fence-agents cluster-glue telnet socat`;
  if (process.env.CI === 'true') throw new Error(`CI: required peer missing: ${reason}`);
  process.stderr.write(`\n*** SKIPPING conformance tests: ${reason} ***\n\n`);
  return { available, skipReason: reason };
}
