import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { UnitView } from '../../emulator/lab/types.js';
import { FENCEKIT } from '../helpers/cli.js';
import { npxSandbox } from '../helpers/npx.js';
import { run } from '../helpers/run.js';
import { waitFor } from '../helpers/wait.js';

/**
 * `fencekit lab` as a process: ready output, SIGTERM and SIGINT stop it with
 * every load's process gone, a start that fails says why in one line with the
 * documented status, and a lab started through npx stops when npx is killed.
 * Addresses 127.0.7.30–39 and 127.0.7.201–202 (test/helpers/ADDRESSES.md).
 */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

interface Ready {
  pid: number;
  units: UnitView[];
  admin: string | null;
  stateDir: string;
  auditFile: string;
}

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fencekit-cli-lab-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function writeConfig(at: string, host: string, extra: Record<string, unknown> = {}): string {
  const file = path.join(at, 'lab.json');
  fs.writeFileSync(
    file,
    JSON.stringify({
      admin: { listen: `${host}:0` },
      units: [
        { name: 'wti-a', model: 'ips800', listen: `${host}:0`, loads: { 5: { process: 'exec sleep 100000' } } },
        { name: 'ilo-a', model: 'ilo4', https: `${host}:0`, loads: { 1: { process: 'sleep 100000' } } },
      ],
      ...extra,
    }),
  );
  return file;
}

/** Start a lab process (`command` and `args`), wait for its --json ready line. */
function startLab(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env) {
  const child = spawn(command, args, {
    cwd,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  }) as unknown as ChildProcessWithoutNullStreams;
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => {
    out += d;
  });
  child.stderr.on('data', (d) => {
    err += d;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  const ready = waitFor(
    () => {
      if (child.exitCode !== null) throw new Error(`the lab exited ${child.exitCode}: ${err}`);
      const line = out.split('\n').find((l) => l.startsWith('{'));
      return line ? (JSON.parse(line) as Ready) : null;
    },
    { what: 'the lab to be ready', timeoutMs: 60_000 },
  );
  return { child, ready, exited, stderr: () => err };
}

const gone = (pid: number) => {
  try {
    process.kill(pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
};

/** SIGKILL to a load's process group (a load's pid is its group's), if any of it is left. */
const killGroup = (pgid: number) => {
  try {
    process.kill(-pgid, 'SIGKILL');
  } catch {
    // nothing left of it
  }
};

/** A unit on 127.0.7.202 whose plug 1 powers a process that writes its pid to load.pid in the config's folder. */
const unitWithLoad = {
  name: 'a',
  model: 'ips800',
  listen: '127.0.7.202:0',
  loads: { 1: { process: 'echo $$ > load.pid; exec sleep 100000', cwd: '.' } },
};
const taken = (port: number) => ({ name: 'b', model: 'ips800', listen: `127.0.7.202:${port}` });

const loadPids = (r: Ready) => r.units.flatMap((u) => u.plugs.flatMap((p) => (p.load?.pid ? [p.load.pid] : [])));

describe('fencekit lab', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)(
    'stops on %s: exit 0, every load gone, the audit log closed',
    async (signal) => {
      const lab = startLab(process.execPath, [FENCEKIT, 'lab', writeConfig(dir, '127.0.7.30'), '--json'], dir);
      const ready = await lab.ready;
      expect(ready.units.map((u) => u.name)).toEqual(['wti-a', 'ilo-a']);
      expect(ready.admin).toMatch(/^http:\/\/127\.0\.7\.30:\d+\/$/);
      expect(ready.stateDir).toBe(path.join(dir, 'fencekit-lab'));
      const pids = loadPids(ready);
      expect(pids).toHaveLength(2);
      expect(pids.every((p) => !gone(p))).toBe(true);
      lab.child.kill(signal);
      expect(await lab.exited).toEqual({ code: 0, signal: null });
      expect(pids.every(gone)).toBe(true);
      expect(lab.stderr()).toContain('"what":"stopping"');
    },
  );

  it('a second SIGTERM while it stops does not cut the stop short', async () => {
    // The OFF command of the exec load waits for a file: the stop is held open until the test says so.
    const go = path.join(dir, 'go');
    const file = writeConfig(dir, '127.0.7.201', {
      admin: null,
      units: [
        {
          name: 'a',
          model: 'ips800',
          listen: '127.0.7.201:0',
          loads: {
            1: { exec: `[ "$FENCEKIT_STATE" = on ] || while [ ! -e ${go} ]; do sleep 0.05; done` },
            2: { process: 'exec sleep 100000' },
          },
        },
      ],
    });
    const lab = startLab(process.execPath, [FENCEKIT, 'lab', file, '--json'], dir);
    const ready = await lab.ready;
    await waitFor(() => lab.stderr().includes('"plug":1,"status":"alive"'), { what: 'the exec load to be on' });
    lab.child.kill('SIGTERM');
    await waitFor(() => lab.stderr().includes('"what":"stopping"'), { what: 'the lab to begin stopping' });
    lab.child.kill('SIGTERM');
    fs.writeFileSync(go, '');
    expect(await lab.exited).toEqual({ code: 0, signal: null });
    expect(loadPids(ready).every(gone)).toBe(true);
  });

  it('killed with SIGKILL, its process loads die with it, and a restart powers one copy of each', async () => {
    const file = writeConfig(dir, '127.0.7.36', { admin: null });
    const first = startLab(process.execPath, [FENCEKIT, 'lab', file, '--json'], dir);
    const pids = loadPids(await first.ready);
    expect(pids).toHaveLength(2);
    expect(pids.every((p) => !gone(p))).toBe(true);
    first.child.kill('SIGKILL');
    await first.exited;
    // No stop ran: the lab's guard (emulator/lab/loads/group-guard.ts) saw its pipe close.
    try {
      await waitFor(() => pids.every(gone), { what: 'the loads of the killed lab to die' });
    } catch (err) {
      for (const pgid of pids) killGroup(pgid);
      throw err;
    }
    const second = startLab(process.execPath, [FENCEKIT, 'lab', file, '--json'], dir);
    const again = loadPids(await second.ready);
    expect(again).toHaveLength(2);
    expect(again.every((p) => !gone(p) && !pids.includes(p))).toBe(true);
    second.child.kill('SIGTERM');
    expect(await second.exited).toEqual({ code: 0, signal: null });
    expect(again.every(gone)).toBe(true);
  });

  it('a bad config is one line and status 64, nothing started', async () => {
    const file = writeConfig(dir, '127.0.7.31', {
      units: [{ name: 'a', model: 'ips800', listen: '127.0.7.31:0', sshh: 1 }],
    });
    const r = await run(process.execPath, [FENCEKIT, 'lab', file]);
    expect(r.code).toBe(64);
    expect(r.stderr).toBe(`fencekit: ${file}: unit 'a': unknown setting 'sshh'\n`);
    expect(fs.existsSync(path.join(dir, 'fencekit-lab'))).toBe(false);
  });

  it('a corrupt state file is one line and status 65', async () => {
    const file = writeConfig(dir, '127.0.7.32');
    fs.mkdirSync(path.join(dir, 'fencekit-lab/units'), { recursive: true, mode: 0o700 });
    fs.writeFileSync(path.join(dir, 'fencekit-lab/units/wti-a.json'), 'not json');
    const r = await run(process.execPath, [FENCEKIT, 'lab', file]);
    expect(r.code).toBe(65);
    expect(r.stderr).toMatch(/^fencekit: state file .*wti-a\.json: [^\n]*\n$/);
  });

  it('an address in use is one line and status 1', async () => {
    const taken = net.createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.7.33', resolve));
    const port = (taken.address() as net.AddressInfo).port;
    try {
      const file = writeConfig(dir, '127.0.7.33', {
        admin: null,
        units: [
          { name: 'a', model: 'ips800', listen: `127.0.7.33:${port}`, loads: { 1: { process: 'exec sleep 100000' } } },
        ],
      });
      const r = await run(process.execPath, [FENCEKIT, 'lab', file]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^fencekit: cannot listen: .*EADDRINUSE[^\n]*\n$/);
    } finally {
      taken.close();
    }
  });

  it.each([
    ['a unit', (port: number) => ({ admin: null, units: [unitWithLoad, taken(port)] })],
    ['the admin API', (port: number) => ({ admin: { listen: `127.0.7.202:${port}` }, units: [unitWithLoad] })],
  ])('%s that cannot listen after a unit with a load started: status 1, no load left running', async (_what, cfg) => {
    const busy = net.createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.7.202', resolve));
    const port = (busy.address() as net.AddressInfo).port;
    try {
      const file = path.join(dir, 'lab.json');
      fs.writeFileSync(file, JSON.stringify(cfg(port)));
      const r = await run(process.execPath, [FENCEKIT, 'lab', file]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/EADDRINUSE/);
      // The load either never started or was killed with the lab: no process of it is left.
      const pidFile = path.join(dir, 'load.pid');
      if (fs.existsSync(pidFile)) expect(gone(Number(fs.readFileSync(pidFile, 'utf8')))).toBe(true);
    } finally {
      busy.close();
    }
  });

  // npx with a cache of this file's own (test/helpers/npx.ts).
  let npx = { env: process.env, done: () => {} };
  beforeAll(() => {
    npx = npxSandbox();
  });
  afterAll(() => npx.done());

  it('started through npx, it stops when npx is killed by its pid', async () => {
    // Inside the clone, where npx finds the project's own bin (git ignores .doc-example-*).
    const work = fs.mkdtempSync(path.join(root, '.doc-example-cli-lab-'));
    try {
      const lab = startLab('npx', ['fencekit', 'lab', writeConfig(work, '127.0.7.34'), '--json'], work, npx.env);
      const ready = await lab.ready;
      expect(ready.pid).not.toBe(lab.child.pid);
      lab.child.kill('SIGTERM');
      await lab.exited;
      await waitFor(() => gone(ready.pid), { what: 'the lab process to stop after npx was killed' });
      expect(loadPids(ready).every(gone)).toBe(true);
    } finally {
      fs.rmSync(work, { recursive: true, force: true });
    }
  });

  it('fencekit emulate started through npx stops too when npx is killed', async () => {
    const work = fs.mkdtempSync(path.join(root, '.doc-example-cli-lab-'));
    const address = '127.0.7.35:0';
    // The emulator's own process: the one whose command line names this address, not npm's.
    const emulatorPid = () =>
      fs
        .readdirSync('/proc')
        .filter((e) => /^\d+$/.test(e))
        .find((pid) => {
          try {
            const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'latin1').split('\0');
            return (
              cmd.includes(address) &&
              cmd.some((a) => a.endsWith('fencekit') || a.endsWith('fencekit.js')) &&
              !cmd[0]?.startsWith('npm')
            );
          } catch {
            return false;
          }
        });
    try {
      const child = spawn('npx', ['fencekit', 'emulate', '--no-console', '--listen', address], {
        cwd: work,
        env: npx.env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      let err = '';
      child.stdout.on('data', (d) => {
        out += d;
      });
      child.stderr.on('data', (d) => {
        err += d;
      });
      const exited = new Promise((resolve) => child.on('exit', resolve));
      await waitFor(
        () => {
          if (child.exitCode !== null) throw new Error(`npx fencekit emulate exited ${child.exitCode}: ${err}`);
          return /^listening on/m.test(out);
        },
        { what: 'the emulator to listen', timeoutMs: 60_000 },
      );
      const pid = Number(await waitFor(emulatorPid, { what: "the emulator's process" }));
      child.kill('SIGTERM');
      await exited;
      await waitFor(() => gone(pid), { what: 'the emulator to stop after npx was killed' });
    } finally {
      fs.rmSync(work, { recursive: true, force: true });
    }
  });
});

describe('fencekit lab documents its exit statuses', () => {
  it('in --help and in docs/lab.md, the table the code has', async () => {
    const { EMULATE_EXIT_TABLE, exitTableMarkdown } = await import('../../cli/exit-codes.js');
    expect(fs.readFileSync(path.join(root, 'docs/lab.md'), 'utf8')).toContain(exitTableMarkdown(EMULATE_EXIT_TABLE));
    const help = await run(process.execPath, [FENCEKIT, 'lab', '--help']);
    expect(help.code).toBe(0);
    for (const row of EMULATE_EXIT_TABLE) expect(help.stdout).toContain(`  ${String(row.status).padEnd(4)}`);
    expect(help.stdout).toContain('--admin-token-file');
  });
});
