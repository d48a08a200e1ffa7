import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { npxSandbox } from '../helpers/npx.js';
import { peer } from '../helpers/run.js';

/**
 * Every shell example in README.md and docs/*.md whose fence says
 * ```` ```sh runnable ```` is run as written: bash with `-e` and `pipefail`,
 * in a fresh directory inside the clone, where `npx fencekit` finds the
 * repository's own bins as it does for a user after `npm install`. An example passes when it
 * exits 0. Whatever it leaves running (an emulator started with `&`) is
 * stopped with its process group. The examples bind fixed addresses, so they
 * run one after another, each with its own port (127.0.0.1:2390–2399).
 */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** This file's npx cache (test/helpers/npx.ts), made before the first example. */
let npx: ReturnType<typeof npxSandbox> | undefined;

interface Example {
  file: string;
  line: number;
  script: string;
}

function examples(): Example[] {
  const files = ['README.md', ...fs.readdirSync(path.join(root, 'docs')).map((f) => path.join('docs', f))].filter((f) =>
    f.endsWith('.md'),
  );
  const found: Example[] = [];
  for (const file of files) {
    const lines = fs.readFileSync(path.join(root, file), 'utf8').split('\n');
    for (let i = 0; i < lines.length; i++) {
      if (!/^```sh runnable\s*$/.test(lines[i] as string)) continue;
      const end = lines.findIndex((l, j) => j > i && l.startsWith('```'));
      if (end < 0) throw new Error(`${file}:${i + 1}: a runnable example that never ends`);
      found.push({ file, line: i + 1, script: lines.slice(i + 1, end).join('\n') });
      i = end;
    }
  }
  return found;
}

function runExample(ex: Example): Promise<{ code: number | null; output: string }> {
  // A fresh directory inside the clone (git ignores it): `npx fencekit` finds the
  // project's own bins from there, as it does for a user in their clone.
  const work = fs.mkdtempSync(path.join(root, '.doc-example-'));
  const script = `set -euo pipefail\n${ex.script}\n`;
  return new Promise((resolve) => {
    const child = spawn('bash', ['-c', script], {
      cwd: work,
      detached: true,
      env: { ...npx?.env, PATH: `${path.join(root, 'node_modules/.bin')}:${process.env.PATH ?? ''}`, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => {
      output += d;
    });
    child.stderr.on('data', (d) => {
      output += d;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      // Stop whatever the example left running in the background, by process group.
      try {
        process.kill(-(child.pid as number), 'SIGTERM');
      } catch {
        // the group is already gone
      }
      fs.rmSync(work, { recursive: true, force: true });
      resolve({ code, output });
    });
  });
}

const clients = ['/usr/sbin/fence_wti', '/usr/sbin/fence_apc', '/usr/sbin/fence_apc_snmp'];
const available = clients.every((c) => peer(c).available);

describe.skipIf(!available)('the docs’ runnable examples', () => {
  const all = examples();

  // The first `npx fencekit` installs the project into this file's npx cache (test/helpers/npx.ts).
  // Done once here: a broken install fails here in one line, not in every example.
  beforeAll(async () => {
    npx = npxSandbox();
    const r = await runExample({ file: '(npx warm-up)', line: 0, script: 'npx fencekit --version' });
    if (r.code !== 0) throw new Error(`npx fencekit --version exited ${r.code}; it printed:\n${r.output}`);
  }, 120_000);
  afterAll(() => npx?.done());

  it('there are runnable examples to run (README and the guides mark some)', () => {
    expect(all.length).toBeGreaterThanOrEqual(4);
  });

  it.each(all.map((e) => [`${e.file}:${e.line}`, e] as const))(
    '%s runs and exits 0',
    async (_, ex) => {
      const r = await runExample(ex);
      expect(r.output, `${ex.file}:${ex.line} printed:\n${r.output}`).toBeDefined();
      if (r.code !== 0) throw new Error(`${ex.file}:${ex.line} exited ${r.code}; it printed:\n${r.output}`);
    },
    120_000,
  );
});
