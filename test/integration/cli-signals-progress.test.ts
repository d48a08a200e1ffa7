import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FENCEKIT } from '../helpers/cli.js';
import { type RunningWti, startWti } from '../helpers/emulator.js';
import { run } from '../helpers/run.js';

/**
 * SIGINT and SIGTERM during `fencekit power`: the operation is aborted
 * cleanly, the JSON object says EABORTED, and the exit status is its code (9).
 * The relay is stuck, so the driver keeps reading the plug back, waiting for
 * it to read OFF; the signal comes once its progress line says so.
 * Address 127.0.3.10, port 0.
 */
let unit: RunningWti;
beforeAll(async () => {
  unit = await startWti({ listen: '127.0.3.10:0', password: 'pw', faults: ['stuck-relay'] });
});
afterAll(() => unit?.stop());

const fencekit = (...args: string[]) => [
  FENCEKIT,
  ...args,
  '--driver',
  'wti',
  '--host',
  unit.host,
  '--port',
  String(unit.port),
];
const env = () => ({ ...process.env, FENCEKIT_PASSWORD: 'pw' });

describe.each(['SIGINT', 'SIGTERM'] as const)('fencekit power off --json --progress, interrupted by %s', (signal) => {
  it('prints the aborted JSON, exits 9, and the unit serves the next session', async () => {
    const child = spawn(process.execPath, fencekit('power', 'off', '3', '--json', '--progress'), { env: env() });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      await expect.poll(() => stderr, { timeout: 20_000, interval: 20 }).toContain('waiting for plug 3 to read OFF');
      child.kill(signal);
      expect(await exited).toBe(9);
      const body = JSON.parse(stdout.trim());
      expect(body).toMatchObject({ ok: false, action: 'off', error: { code: 'EABORTED' } });
      expect(body.error.message).toBe(`interrupted by ${signal}`);
      expect(stderr).toMatch(new RegExp(`fencekit: off: interrupted by ${signal} \\[EABORTED\\]`));
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    const after = await run(process.execPath, fencekit('power', 'status', '3'), { env: env() });
    expect(after.stdout).toBe('plug 3: ON\n');
    expect(after.code).toBe(0);
  });
});

describe('progress lines', () => {
  it('--progress: connecting, logging in, switching, waiting; no password, nothing on stdout but the result', async () => {
    const r = await run(process.execPath, fencekit('power', 'status', '3', '--progress', '--timeout', '30'), {
      env: env(),
    });
    expect(r.stdout).toBe('plug 3: ON\n');
    const lines = r.stderr.trim().split('\n');
    expect(lines[0]).toBe(`fencekit: connecting to telnet ${unit.host}:${unit.port}`);
    expect(lines).toContain('fencekit: logged in');
    expect(r.stderr).not.toContain('pw');
  });

  it('--quiet and a non-terminal stderr print nothing on stderr for a quick status', async () => {
    for (const extra of [['--quiet'], []]) {
      const r = await run(process.execPath, fencekit('power', 'status', '3', ...extra), { env: env() });
      expect(r.stdout).toBe('plug 3: ON\n');
      expect(r.stderr).toBe('');
    }
  });
});
