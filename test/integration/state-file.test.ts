import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FENCEKIT, startEmulatorProcess } from '../helpers/cli.js';
import { RawClient } from '../helpers/raw-client.js';
import { run } from '../helpers/run.js';

/**
 * `fencekit emulate --state FILE` given a file it must not trust: a planted
 * link, a killed run's leftovers, values the unit could never have written.
 * Each refusal is exit 65 and exactly one line naming the file and the field.
 * 127.0.5.50–52 (port 0); the refused starts never listen.
 */
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'fencekit-state-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
let n = 0;
const fresh = (name: string) => path.join(fs.mkdtempSync(path.join(tmp, `${n++}-`)), name);

const WTI = ['--listen', '127.0.5.50:0'];
const APC = ['--model', 'apc-rackpdu', '--listen', '127.0.5.51:0'];
const ILO = ['--model', 'ilo4', '--https', '127.0.5.52:0'];

/** As the previous build wrote them (version 1). */
const WTI_SAVED = {
  version: 1,
  model: 'ips800',
  systemPassword: 'changeme',
  siteId: null,
  confirm: true,
  automated: false,
  disconnectTimeout: 300,
  plugs: Array.from({ length: 8 }, (_, i) => ({
    number: i + 1,
    name: i === 2 ? 'web' : null,
    password: null,
    bootDelay: 0.5,
    default: 'ON',
    state: i === 2 ? 'OFF' : 'ON',
  })),
};
const APC_SAVED = {
  version: 1,
  model: 'apc-rackpdu',
  firmware: '2.7',
  identity: { name: 'PDU-BAR', contact: '', location: '' },
  plugs: Array.from({ length: 24 }, (_, i) => ({
    number: i + 1,
    name: i === 0 ? 'db1' : null,
    rebootDuration: 5,
    state: 'ON',
  })),
};
const ILO_SAVED = { version: 1, model: 'ilo4', power: 'OFF', hostName: 'node1' };

async function refused(flags: string[], file: string) {
  const r = await run(process.execPath, [FENCEKIT, 'emulate', '--no-console', ...flags, '--state', file], {
    timeoutMs: 30_000,
  });
  return { code: r.code, lines: r.stderr.split('\n').filter((l) => l !== ''), stdout: r.stdout };
}

function withState(name: string, content: unknown): string {
  const file = fresh(name);
  fs.writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content, null, 2), { mode: 0o600 });
  return file;
}

describe('fencekit emulate --state: a value the unit could never have written', () => {
  const cases: { what: string; flags: string[]; content: unknown; line: (f: string) => string }[] = [
    {
      what: 'a WTI plug state MAYBE',
      flags: WTI,
      content: { ...WTI_SAVED, plugs: WTI_SAVED.plugs.map((p, i) => (i === 3 ? { ...p, state: 'MAYBE' } : p)) },
      line: (f) => `fencekit: state file ${f}: field plugs[3].state: expected "ON" or "OFF", got "MAYBE"`,
    },
    {
      what: 'an iLO power SIDEWAYS',
      flags: ILO,
      content: { ...ILO_SAVED, power: 'SIDEWAYS' },
      line: (f) => `fencekit: state file ${f}: field power: expected "ON" or "OFF", got "SIDEWAYS"`,
    },
    {
      what: 'an APC outlet state MAYBE',
      flags: APC,
      content: { ...APC_SAVED, plugs: [{ number: 2, name: null, rebootDuration: 5, state: 'MAYBE' }] },
      line: (f) => `fencekit: state file ${f}: field plugs[0].state: expected "ON" or "OFF", got "MAYBE"`,
    },
    {
      what: 'version 99',
      flags: WTI,
      content: { ...WTI_SAVED, version: 99 },
      line: (f) => `fencekit: state file ${f}: field version: expected 1, got 99`,
    },
    {
      what: 'a plug the model does not have',
      flags: WTI,
      content: { ...WTI_SAVED, plugs: [{ number: 12, state: 'ON' }] },
      line: (f) => `fencekit: state file ${f}: field plugs[0].number: expected a whole number from 1 to 8, got 12`,
    },
    {
      what: 'another model’s file',
      flags: WTI,
      content: { ...WTI_SAVED, model: 'nps' },
      line: (f) => `fencekit: state file ${f}: field model: expected "ips800" (the model being started), got "nps"`,
    },
    {
      what: 'a plug name longer than the unit takes',
      flags: WTI,
      content: { ...WTI_SAVED, plugs: [{ number: 1, name: 'a-name-of-twenty-chars' }] },
      line: (f) => `fencekit: state file ${f}: field plugs[0].name: expected at most 16 characters, got 22 characters`,
    },
    {
      what: 'a JSON syntax error',
      flags: WTI,
      content: '{\n  "version": 1,\n  "model": "ips800"\n  "plugs": []\n}\n',
      line: (f) => `fencekit: state file ${f}: is not valid JSON: at line 4, column 3, expected ',' or '}'`,
    },
    {
      what: 'a truncated file',
      flags: WTI,
      content: JSON.stringify(WTI_SAVED, null, 2).slice(0, 120),
      line: (f) =>
        expect.stringMatching(
          new RegExp(
            `^fencekit: state file ${f}: is not valid JSON: it ends at line \\d+, column \\d+ where .* was expected \\(cut short\\?\\)$`,
          ),
        ),
    },
    {
      what: 'an empty file',
      flags: APC,
      content: '',
      line: (f) => `fencekit: state file ${f}: is empty; expected a JSON object (delete the file for a fresh start)`,
    },
  ];

  for (const c of cases) {
    it(`${c.what}: exit 65, one line naming the file and the field, and the file left as it was`, async () => {
      const file = withState('unit.state.json', c.content);
      const before = fs.readFileSync(file);
      const r = await refused(c.flags, file);
      expect(r.code).toBe(65);
      expect(r.lines).toEqual([c.line(file)]);
      expect(r.stdout).not.toMatch(/listening on/);
      expect(fs.readFileSync(file)).toEqual(before);
    });
  }

  it('a password is never repeated in the message', async () => {
    const file = withState('unit.state.json', { ...WTI_SAVED, systemPassword: 'hunter2\u0007' });
    const r = await refused([...WTI, '--password', 'other'], file);
    expect(r.code).toBe(65);
    expect(r.lines).toEqual([
      `fencekit: state file ${file}: field systemPassword: expected no control characters, got one (the value is not shown)`,
    ]);
  });

  it('a directory in place of the file: exit 65, one line', async () => {
    const file = fresh('unit.state.json');
    fs.mkdirSync(file);
    const r = await refused(WTI, file);
    expect(r.code).toBe(65);
    expect(r.lines).toEqual([`fencekit: state file ${file}: is a directory, not a regular file`]);
  });
});

describe('fencekit emulate --state: links and leftovers', () => {
  it('refuses a state path that is a symbolic link and leaves its target untouched', async () => {
    const file = fresh('unit.state.json');
    const target = path.join(path.dirname(file), 'passwd-copy');
    fs.writeFileSync(target, 'root:x:0:0::/root:/bin/sh\n');
    fs.symlinkSync(target, file);
    const r = await refused(WTI, file);
    expect(r.code).toBe(65);
    expect(r.lines).toEqual([`fencekit: state file ${file}: is a symbolic link; give the path of the file itself`]);
    expect(fs.readFileSync(target, 'utf8')).toBe('root:x:0:0::/root:/bin/sh\n');
    expect(fs.lstatSync(file).isSymbolicLink()).toBe(true);
  });

  it('a link planted at the state path while the unit runs is replaced at the next write, its target untouched', async () => {
    const file = fresh('unit.state.json');
    const emu = await startEmulatorProcess([...WTI, '--password', 'pw', '--state', file]);
    try {
      const target = path.join(path.dirname(file), 'victim');
      fs.writeFileSync(target, 'untouched\n');
      fs.rmSync(file);
      fs.symlinkSync(target, file);
      const c = await RawClient.connect(emu.host, emu.port);
      try {
        await c.login('pw');
        const from = c.plain.length;
        c.send('/OFF 2,Y\r\n');
        await c.expect('IPS> ', 5000, from);
        await emu.waitForLog((e) => e.type === 'plug' && e.plug === 2);
      } finally {
        c.close();
      }
      expect(fs.readFileSync(target, 'utf8')).toBe('untouched\n');
      expect(fs.lstatSync(file).isFile()).toBe(true);
      expect(JSON.parse(fs.readFileSync(file, 'utf8')).plugs[1]).toMatchObject({ number: 2, state: 'OFF' });
    } finally {
      await emu.stop();
    }
  });

  it('after a kill -9 mid-write (a leftover temporary beside an intact state) starts from the state and removes the leftover', async () => {
    const file = withState('unit.state.json', WTI_SAVED);
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
      encoding: 'utf8',
    }).stdout;
    const dir = path.dirname(file);
    // What a write cut short leaves: half a snapshot under the temporary name, old and new naming.
    const leftovers = [`.unit.state.json.${dead}.0123456789abcdef.tmp`, `.unit.state.json.${dead}.tmp`];
    for (const name of leftovers) fs.writeFileSync(path.join(dir, name), '{"version": 1, "model": "ips8');
    // A link named like a live process's temporary: neither removed nor ever written through.
    const target = path.join(dir, 'victim');
    fs.writeFileSync(target, 'untouched\n');
    fs.symlinkSync(target, path.join(dir, `.unit.state.json.${process.pid}.tmp`));

    const emu = await startEmulatorProcess([...WTI, '--state', file]);
    try {
      expect(fs.readdirSync(dir).sort()).toEqual([`.unit.state.json.${process.pid}.tmp`, 'unit.state.json', 'victim']);
      // The start writes the state again: what it loaded, plug 3 still "web" and OFF.
      const saved = JSON.parse(fs.readFileSync(file, 'utf8'));
      expect(saved).toEqual(WTI_SAVED);
      expect(fs.lstatSync(file).isFile()).toBe(true);
      expect(fs.statSync(file).mode & 0o777).toBe(0o600);
      expect(fs.readFileSync(target, 'utf8')).toBe('untouched\n');
    } finally {
      await emu.stop();
    }
  });
});

describe('fencekit emulate --state: files the previous version wrote still load', () => {
  it('WTI', async () => {
    const file = withState('wti.state.json', WTI_SAVED);
    const emu = await startEmulatorProcess([...WTI, '--state', file]);
    await emu.stop();
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual(WTI_SAVED);
  });

  it('APC', async () => {
    const file = withState('apc.state.json', APC_SAVED);
    const emu = await startEmulatorProcess([...APC, '--state', file]);
    await emu.stop();
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual(APC_SAVED);
  });

  it('iLO', async () => {
    const file = withState('ilo.state.json', ILO_SAVED);
    const emu = await startEmulatorProcess(
      [...ILO, '--state', file],
      process.env,
      /^listening on (\S+):(\d+) \(https/m,
    );
    await emu.stop();
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual(ILO_SAVED);
  });
});
