import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { waitFor } from './wait.js';

/** The bundled bins, as the package ships them (vitest's global setup builds them first). */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const FENCEKIT = path.join(root, 'dist/bin/fencekit.js');
export const FENCEKIT_STONITH = path.join(root, 'dist/bin/fencekit-stonith.js');
export const FENCE_FENCEKIT = path.join(root, 'dist/bin/fence_fencekit.js');

/** A `fencekit emulate` process, stopped by pid. */
export interface EmulatorProcess {
  child: ChildProcessWithoutNullStreams;
  host: string;
  port: number;
  stdout(): string;
  stderr(): string;
  /** Wait until a stderr log line satisfies `test`, with a deadline. */
  waitForLog(test: (entry: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
  /** Send a signal and wait for the exit. */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** `ready` matches the stdout line that says the emulator listens, capturing host and port (telnet by default). */
export function startEmulatorProcess(
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
  ready: RegExp = /^listening on (\S+):(\d+) \(telnet/m,
): Promise<EmulatorProcess> {
  const child = spawn(process.execPath, [FENCEKIT, 'emulate', '--no-console', ...args], { env });
  let out = '';
  let err = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  const logs = () =>
    err
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  const handle = (host: string, port: number): EmulatorProcess => ({
    child,
    host,
    port,
    stdout: () => out,
    stderr: () => err,
    waitForLog(test, timeoutMs = 5000) {
      return waitFor(() => logs().find(test), { what: 'a log line', timeoutMs }).catch((e: Error) => {
        throw new Error(`${e.message}; stderr: ${err}`);
      });
    },
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`emulator did not start; stdout: ${out} stderr: ${err}`));
    }, 10_000);
    child.stdout.on('data', (d) => {
      out += d;
      const m = ready.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(handle(m[1] as string, Number(m[2])));
      }
    });
    child.stderr.on('data', (d) => {
      err += d;
    });
    child.on('exit', () => {
      clearTimeout(timer);
      if (!/^listening on/m.test(out)) reject(new Error(`emulator exited: ${err}`));
    });
  });
}
