import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { waitFor } from './wait.js';

/**
 * A serial cable in software: two pseudo-terminals joined by socat. One end
 * for the emulator, one for the client. Stopped by pid.
 */
export interface PtyPair {
  a: string;
  b: string;
  stop(): Promise<void>;
}

export const SOCAT = '/usr/bin/socat';

export async function startPtyPair(timeoutMs = 5000): Promise<PtyPair> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fencekit-pty-'));
  const a = path.join(dir, 'a');
  const b = path.join(dir, 'b');
  const child: ChildProcess = spawn(SOCAT, [`pty,raw,echo=0,link=${a}`, `pty,raw,echo=0,link=${b}`], {
    stdio: 'ignore',
  });
  const stop = async () => {
    if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      process.kill(child.pid, 'SIGTERM');
      await exited;
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };
  const made = () => fs.existsSync(a) && fs.existsSync(b);
  await waitFor(() => child.exitCode !== null || made(), { what: 'socat to make the pty pair', timeoutMs }).catch(
    () => {},
  );
  if (!made()) {
    await stop();
    throw new Error('socat did not make the pty pair');
  }
  return { a, b, stop };
}
