import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FENCEKIT, startEmulatorProcess } from '../helpers/cli.js';
import { run } from '../helpers/run.js';

/**
 * A start that fails is one line naming what the user gave, with the
 * documented status, and nothing is reported as listening first (not even
 * by a front-end that had opened before the failing one). Address
 * 127.0.3.30–31.
 */
const emulate = (...args: string[]) =>
  run(process.execPath, [FENCEKIT, 'emulate', '--no-console', '--password-file', pwFile(), ...args], {
    timeoutMs: 30_000,
  });

/** A password file in a directory of this file's own, removed after its tests. */
let dir: string | undefined;
function pwFile(): string {
  dir ??= fs.mkdtempSync(path.join(os.tmpdir(), 'fencekit-startup-'));
  const file = path.join(dir, 'pw');
  fs.writeFileSync(file, 'changeme\n');
  return file;
}
afterAll(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

function expectOneLine(r: { code: number | null; stdout: string; stderr: string }, code: number, line: RegExp) {
  expect(r.code).toBe(code);
  expect(r.stdout).toBe('');
  const lines = r.stderr.split('\n').filter((l) => l !== '');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(line);
}

describe('fencekit emulate: failures at start', () => {
  it('an address in use: one line naming it, exit 1', async () => {
    const taken = net.createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.3.30', resolve));
    const { port } = taken.address() as net.AddressInfo;
    try {
      const r = await emulate('--listen', `127.0.3.30:${port}`);
      expectOneLine(r, 1, new RegExp(`^fencekit: cannot listen: .*EADDRINUSE.*127\\.0\\.3\\.30:${port}$`));
    } finally {
      taken.close();
    }
  });

  it('a serial device that does not exist: one line naming the flag and path, exit 1, telnet never reported', async () => {
    const r = await emulate('--listen', '127.0.3.31:0', '--serial', '/nonexistent/ttyFK0');
    expectOneLine(r, 1, /^fencekit: cannot open --serial \/nonexistent\/ttyFK0: No such file or directory$/);
    expect(r.stderr).not.toContain('listening');
  });

  it('a state file whose directory does not exist: one line naming the directory, exit 65', async () => {
    const r = await emulate('--listen', '127.0.3.31:0', '--state', '/nonexistent/dir/unit.state.json');
    expectOneLine(
      r,
      65,
      /^fencekit: state file \/nonexistent\/dir\/unit\.state\.json: .*directory \/nonexistent\/dir does not exist$/,
    );
  });

  it('a password on the command line: a usage error stays one line; a good start warns once, after listening', async () => {
    const bad = await run(process.execPath, [
      FENCEKIT,
      'emulate',
      '--no-console',
      '--password',
      'pw',
      '--ssh',
      '127.0.3.31:0',
    ]);
    expectOneLine(bad, 64, /^fencekit: --ssh does not apply to --model ips800/);
    const unit = await startEmulatorProcess(['--listen', '127.0.3.31:0', '--password', 'changeme']);
    try {
      await expect.poll(() => unit.stderr(), { timeout: 10_000 }).toContain('warning: --password on the command line');
      expect(unit.stderr().match(/warning:/g)).toHaveLength(1);
      expect(unit.stderr()).not.toContain('changeme');
    } finally {
      await unit.stop();
    }
  });
});
