import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FENCE_FENCEKIT, FENCEKIT } from '../helpers/cli.js';
import { run } from '../helpers/run.js';

/**
 * `fencekit agent install|uninstall` from the bundled bin, into a directory
 * of the test's own: the wrapper it writes must run the agent the package
 * ships (the install code sits in a chunk of dist/bin, and finds the agent
 * from there), and uninstall removes only a wrapper fencekit wrote. No
 * address: nothing listens.
 */
let dir = '';
const fencekit = (...args: string[]) => run(process.execPath, [FENCEKIT, ...args], { timeoutMs: 30_000 });

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fencekit-agent-install-'));
});

afterAll(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('fencekit agent install', () => {
  it('writes a wrapper that runs this node on the bundled fence_fencekit, and the wrapper works', async () => {
    const r = await fencekit('agent', 'install', '--dir', dir);
    expect(r.code, r.stderr).toBe(0);
    const wrapper = path.join(dir, 'fence_fencekit');
    expect(r.stdout).toContain(`installed ${wrapper}: runs ${process.execPath} ${FENCE_FENCEKIT}`);
    expect(fs.statSync(wrapper).mode & 0o111).not.toBe(0);

    const metadata = await run(wrapper, [], { input: 'action=metadata\n', timeoutMs: 30_000 });
    expect(metadata.code, metadata.stderr).toBe(0);
    expect(metadata.stdout).toContain('<resource-agent name="fence_fencekit"');
  });

  it('uninstall removes its own wrapper and leaves a file it did not write', async () => {
    expect((await fencekit('agent', 'uninstall', '--dir', dir)).code).toBe(0);
    expect(fs.existsSync(path.join(dir, 'fence_fencekit'))).toBe(false);

    fs.writeFileSync(path.join(dir, 'fence_fencekit'), '#!/bin/sh\nexit 0\n');
    const refused = await fencekit('agent', 'uninstall', '--dir', dir);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/was not written by fencekit/);
    expect(fs.existsSync(path.join(dir, 'fence_fencekit'))).toBe(true);
  });
});
