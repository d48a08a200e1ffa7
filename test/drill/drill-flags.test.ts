import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { drillOptions } from '../../cli/drill/flags.js';
import { findScenario, SCENARIOS } from '../../cli/drill/registry.js';
import { runDrill } from '../../cli/drill/run.js';
import type { Scenario } from '../../cli/drill/scenario.js';
import { FENCEKIT } from '../helpers/cli.js';
import { run } from '../helpers/run.js';

/**
 * `fencekit drill`'s flags, checked before anything touches the machine: no
 * root, no cluster, no lab. `--failure` chooses how the heartbeat drill's
 * victim fails; every other scenario refuses it in one line (exit 64).
 */
const scenario = (name: string): Scenario => {
  const s = findScenario(name);
  if (!s) throw new Error(`no scenario ${name}`);
  return s;
};

/** runDrill in this process, its stdout and stderr captured. */
async function drillHere(name: string, flags: Parameters<typeof runDrill>[1]) {
  let stdout = '';
  let stderr = '';
  const code = await runDrill(
    name,
    flags,
    (s) => {
      stdout += s;
    },
    (s) => {
      stderr += s;
    },
  );
  return { code, stdout, stderr };
}

describe('fencekit drill --failure', () => {
  it.each(['kill', 'freeze', 'cut-link'])('hands --failure %s to the heartbeat scenario', (failure) => {
    expect(drillOptions(scenario('heartbeat'), { failure, subnet: '127.0.14' })).toEqual({
      fence: 'wti',
      subnet: '127.0.14',
      keep: false,
      failure,
    });
  });

  it('leaves the failure to the scenario when the flag is absent', () => {
    expect(drillOptions(scenario('heartbeat'), {})).not.toHaveProperty('failure');
  });

  it('refuses a failure the heartbeat scenario does not know, naming the ones it does', async () => {
    const r = await drillHere('heartbeat', { failure: 'unplug' });
    expect(r.code).toBe(64);
    expect(r.stderr).toBe("fencekit drill: --failure must be kill, freeze, cut-link (not 'unplug')\n");
    expect(r.stdout).toBe('');
  });

  it.each(SCENARIOS.filter((s) => s.name !== 'heartbeat').map((s) => s.name))(
    'refuses --failure for %s in one line, before touching the machine',
    async (name) => {
      const r = await drillHere(name, { failure: 'kill' });
      expect(r.code).toBe(64);
      expect(r.stderr).toMatch(new RegExp(`^fencekit drill: --failure is for the heartbeat scenario; ${name} .*\\n$`));
      expect(r.stderr.split('\n')).toHaveLength(2);
    },
  );

  it('is wired into the command line: the bundled bin refuses it for a Pacemaker scenario with 64', async () => {
    const r = await run(process.execPath, [FENCEKIT, 'drill', 'disorderly', '--failure', 'freeze']);
    expect(r.code).toBe(64);
    expect(r.stderr).toMatch(/^fencekit drill: --failure is for the heartbeat scenario; disorderly /);
  });

  it('lists the failures in the help', async () => {
    const r = await run(process.execPath, [FENCEKIT, 'drill', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/--failure <how>\s+heartbeat only: how mclaws fails: kill .* \| freeze .* \| cut-link/s);
  });

  it('the help, docs/cli.md and docs/drills.md name every registered scenario', async () => {
    const r = await run(process.execPath, [FENCEKIT, 'drill', '--help']);
    const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
    const cliDoc = fs.readFileSync(path.join(root, 'docs/cli.md'), 'utf8');
    const drillsDoc = fs.readFileSync(path.join(root, 'docs/drills.md'), 'utf8');
    for (const { name } of SCENARIOS) {
      expect(r.stdout, `drill --help names ${name}`).toMatch(new RegExp(`\\b${name}\\b`));
      expect(cliDoc, `docs/cli.md names ${name}`).toContain(`\`${name}\``);
      expect(drillsDoc, `docs/drills.md has a row for ${name}`).toMatch(new RegExp(`^\\| \`${name}\` \\|`, 'm'));
    }
  });
});

describe('fencekit drill: the other flags, refused before touching the machine', () => {
  it('refuses a --fence it does not know', async () => {
    const r = await drillHere('disorderly', { fence: 'apc' });
    expect(r.code).toBe(64);
    expect(r.stderr).toBe("fencekit drill: --fence must be wti, fencekit or stonith (not 'apc')\n");
  });

  it.each(['10.0.0', '127.0.300', '127.0'])('refuses --subnet %s', async (subnet) => {
    const r = await drillHere('disorderly', { subnet });
    expect(r.code).toBe(64);
    expect(r.stderr).toMatch(/^fencekit drill: --subnet must be the first three octets of a 127\.0\.0\.0\/8 \/24/);
  });
});
