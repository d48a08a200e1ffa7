import { describe, expect, it } from 'vitest';
import { FENCEKIT } from '../helpers/cli.js';
import { run } from '../helpers/run.js';

/**
 * Usage errors of `fencekit`: one line on stderr that names the mistake and
 * says where help is, nothing on stdout, exit 64 (docs/cli.md). No host is
 * contacted: each mistake is caught before anything connects or listens.
 */
const fencekit = (...args: string[]) => run(process.execPath, [FENCEKIT, ...args], { timeoutMs: 30_000 });

describe('fencekit usage errors', () => {
  it.each([
    [['power', '--bogus'], /--driver|--bogus/],
    [['power'], /--driver/],
    [['frob'], /unknown command 'frob'/],
    [['power', 'status', '1', '--driver', 'wti', '--host', '127.0.0.1', '--bogus'], /unknown option '--bogus'/],
    [['power', 'frob', '1', '--driver', 'wti', '--host', '127.0.0.1'], /frob/],
    [['power', 'status', '1', '--driver', 'nosuch', '--host', '127.0.0.1'], /nosuch/],
    [['emulate', '--bogus'], /unknown option '--bogus'/],
  ])('fencekit %j: one line, exit 64', async (args, names) => {
    const r = await fencekit(...args);
    expect(r.code).toBe(64);
    expect(r.stdout).toBe('');
    const lines = r.stderr.split('\n').filter((l) => l !== '');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^fencekit: /);
    expect(lines[0]).toMatch(names);
  });

  it('--help is not an error: the help on stdout, exit 0', async () => {
    const r = await fencekit('power', '--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: fencekit power');
  });
});
