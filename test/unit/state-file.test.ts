import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseApcSnapshot } from '../../emulator/apc/apc-state.js';
import { parseIloSnapshot } from '../../emulator/ilo/ilo-state.js';
import { findJsonSyntaxProblem } from '../../emulator/json-syntax.js';
import { StateFileError } from '../../emulator/state-error.js';
import { StateFields } from '../../emulator/state-fields.js';
import {
  readStateFile,
  removeStaleTemporaries,
  writeFileAtomic,
  writeFileAtomicWith,
  writeStateFile,
} from '../../emulator/state-file.js';
import { personalities } from '../../emulator/wti/personality.js';
import { parseWtiSnapshot } from '../../emulator/wti/wti-state.js';

/** The state file on disk: atomic writes that never follow a link, reads that refuse anything but a plain file. */
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'fencekit-state-unit-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
let n = 0;
const dir = () => fs.mkdtempSync(path.join(root, `${n++}-`));

/** A pid no process has any more: a child that has exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

function failure(fn: () => unknown): StateFileError {
  try {
    fn();
  } catch (err) {
    if (err instanceof StateFileError) return err;
    throw err;
  }
  throw new Error('expected a StateFileError');
}

describe('writeFileAtomic', () => {
  it('never writes through a link planted at the temporary name: the target is untouched, the state a regular file', () => {
    const d = dir();
    const state = path.join(d, 'unit.state.json');
    const target = path.join(d, 'victim.txt');
    fs.writeFileSync(target, 'precious\n');
    const planted = path.join(d, '.unit.state.json.planted.tmp');
    fs.symlinkSync(target, planted);
    const names = [planted, path.join(d, '.unit.state.json.second.tmp')];
    writeFileAtomicWith(state, '{"secret":"pw"}\n', 0o600, () => names.shift() as string);
    expect(fs.readFileSync(target, 'utf8')).toBe('precious\n');
    expect(fs.lstatSync(planted).isSymbolicLink()).toBe(true);
    expect(fs.lstatSync(state).isFile()).toBe(true);
    expect(fs.readFileSync(state, 'utf8')).toBe('{"secret":"pw"}\n');
  });

  it('never opens a file someone made first at the temporary name', () => {
    const d = dir();
    const state = path.join(d, 'unit.state.json');
    const theirs = path.join(d, '.unit.state.json.theirs.tmp');
    fs.writeFileSync(theirs, 'not yours\n', { mode: 0o644 });
    const names = [theirs, path.join(d, '.unit.state.json.mine.tmp')];
    writeFileAtomicWith(state, 'new\n', 0o600, () => names.shift() as string);
    expect(fs.readFileSync(theirs, 'utf8')).toBe('not yours\n');
    expect(fs.readFileSync(state, 'utf8')).toBe('new\n');
  });

  it('replaces a link at the state path with a regular file, and leaves what it pointed at alone', () => {
    const d = dir();
    const target = path.join(d, 'victim.txt');
    fs.writeFileSync(target, 'precious\n');
    const state = path.join(d, 'unit.state.json');
    fs.symlinkSync(target, state);
    writeStateFile(state, { version: 1 });
    expect(fs.readFileSync(target, 'utf8')).toBe('precious\n');
    expect(fs.lstatSync(state).isFile()).toBe(true);
    expect(JSON.parse(fs.readFileSync(state, 'utf8'))).toEqual({ version: 1 });
    expect(fs.readdirSync(d).sort()).toEqual(['unit.state.json', 'victim.txt']);
  });

  it('writes mode 0600 whatever the umask, with an unpredictable temporary name, and leaves no temporary behind', () => {
    const d = dir();
    const state = path.join(d, 'unit.state.json');
    const old = process.umask(0);
    try {
      writeStateFile(state, { version: 1 });
    } finally {
      process.umask(old);
    }
    expect(fs.statSync(state).mode & 0o777).toBe(0o600);
    expect(fs.readdirSync(d)).toEqual(['unit.state.json']);
    writeFileAtomic(path.join(d, 'cert.pem'), 'x', 0o644);
    expect(fs.statSync(path.join(d, 'cert.pem')).mode & 0o777).toBe(0o644);
  });
});

describe('removeStaleTemporaries', () => {
  it('removes what a killed run left (its own and the files beside the state), keeps a live writer’s, a link, and other names', () => {
    const d = dir();
    const state = path.join(d, 'unit.state.json');
    const dead = deadPid();
    const stale = [
      `.unit.state.json.${dead}.0123456789abcdef.tmp`,
      `.unit.state.json.${dead}.tmp`, // the naming of earlier versions
      `.unit.state.json.ssh-host-key.${dead}.fedcba9876543210.tmp`,
    ];
    const kept = [
      `.unit.state.json.${process.ppid}.0123456789abcdef.tmp`, // a process that still runs
      'unit.state.json',
      '.other.json.1.tmp',
      `.unit.state.jsonx.${dead}.tmp`,
    ];
    for (const name of [...stale, ...kept]) fs.writeFileSync(path.join(d, name), 'x');
    const link = `.unit.state.json.${dead}.1111111111111111.tmp`;
    fs.symlinkSync(path.join(d, 'unit.state.json'), path.join(d, link));
    expect(removeStaleTemporaries(state).sort()).toEqual([...stale].sort());
    expect(fs.readdirSync(d).sort()).toEqual([...kept, link].sort());
  });
});

describe('readStateFile', () => {
  it('is null for a file not there yet (a fresh start)', () => {
    expect(readStateFile(path.join(dir(), 'none.json'))).toBeNull();
  });

  it('refuses a symbolic link, a directory, a named pipe, an empty file and an oversized one, each in one line', () => {
    const d = dir();
    const real = path.join(d, 'real.json');
    fs.writeFileSync(real, '{}');
    fs.symlinkSync(real, path.join(d, 'link.json'));
    fs.mkdirSync(path.join(d, 'dir.json'));
    spawnSync('mkfifo', [path.join(d, 'fifo.json')]);
    fs.writeFileSync(path.join(d, 'empty.json'), '\n');
    fs.writeFileSync(path.join(d, 'big.json'), ' '.repeat(2 * 1024 * 1024));
    const reason = (name: string) =>
      failure(() => readStateFile(path.join(d, name))).message.replace(`state file ${d}/`, '');
    expect(reason('link.json')).toBe('link.json: is a symbolic link; give the path of the file itself');
    expect(reason('dir.json')).toBe('dir.json: is a directory, not a regular file');
    expect(reason('fifo.json')).toBe('fifo.json: is a named pipe, not a regular file');
    expect(reason('empty.json')).toBe(
      'empty.json: is empty; expected a JSON object (delete the file for a fresh start)',
    );
    expect(reason('big.json')).toBe('big.json: is 2097152 bytes long; a state file is at most 1048576');
  });

  it('says where JSON goes wrong by line and column, without quoting the file', () => {
    const d = dir();
    const file = path.join(d, 's.json');
    fs.writeFileSync(file, '{\n  "systemPassword": "hunter2",\n  "plugs": [1 2]\n}\n');
    const err = failure(() => readStateFile(file));
    expect(err.message).toBe(`state file ${file}: is not valid JSON: at line 3, column 15, expected ',' or ']'`);
    expect(err.message).not.toContain('hunter2');
    fs.writeFileSync(file, '{\n  "version": 1,\n  "plugs": [');
    expect(failure(() => readStateFile(file)).message).toBe(
      `state file ${file}: is not valid JSON: it ends at line 3, column 13 where a value was expected (cut short?)`,
    );
  });
});

describe('findJsonSyntaxProblem', () => {
  it('is null for every text JSON.parse takes', () => {
    for (const text of ['{}', ' [1, -2.5e3, "a\\u00e9\\n", true, false, null, {"a": {}}] ', '"x"', '0']) {
      expect(JSON.parse(text)).toBeDefined();
      expect(findJsonSyntaxProblem(text)).toBeNull();
    }
  });

  it('finds the first fault', () => {
    expect(findJsonSyntaxProblem('{"a": 1,}')).toMatchObject({
      line: 1,
      column: 9,
      expected: 'a name in double quotes',
    });
    expect(findJsonSyntaxProblem('{"a": tru}')).toMatchObject({ line: 1, column: 10, expected: "'true'" });
    expect(findJsonSyntaxProblem('{} x')).toMatchObject({
      column: 4,
      expected: 'the end of the file',
      truncated: false,
    });
    expect(findJsonSyntaxProblem('{"a": "b')).toMatchObject({ column: 9, truncated: true });
  });
});

describe('state values', () => {
  const ips800 = personalities.ips800;
  const wti = (raw: Record<string, unknown>) =>
    failure(() =>
      parseWtiSnapshot({ version: 1, model: 'ips800', plugs: [], ...raw }, new StateFields('s.json'), ips800),
    ).message;

  it('names the field, what was expected and what was found, for each kind of WTI value', () => {
    expect(wti({ plugs: [{ number: 4, state: 'MAYBE' }] })).toBe(
      'state file s.json: field plugs[0].state: expected "ON" or "OFF", got "MAYBE"',
    );
    expect(wti({ plugs: [{ number: 9 }] })).toBe(
      'state file s.json: field plugs[0].number: expected a whole number from 1 to 8, got 9',
    );
    expect(wti({ plugs: [{ number: 2 }, { number: 2 }] })).toBe(
      'state file s.json: field plugs[1].number: expected each plug once, got plug 2 again',
    );
    expect(wti({ plugs: [{ number: 1, name: 'a|b' }] })).toBe(
      `state file s.json: field plugs[0].name: expected no '|', got "a|b"`,
    );
    expect(wti({ plugs: [{ number: 1, name: 'x'.repeat(17) }] })).toBe(
      'state file s.json: field plugs[0].name: expected at most 16 characters, got 17 characters',
    );
    expect(wti({ plugs: [{ number: 1, default: 'on' }] })).toBe(
      'state file s.json: field plugs[0].default: expected "ON" or "OFF", got "on"',
    );
    expect(wti({ plugs: [{ number: 1, bootDelay: -1 }] })).toBe(
      'state file s.json: field plugs[0].bootDelay: expected a number from 0 to 86400, got -1',
    );
    expect(wti({ confirm: 'yes' })).toBe('state file s.json: field confirm: expected true or false, got "yes"');
    expect(wti({ siteId: 'lab\u001b[2J' })).toBe(
      'state file s.json: field siteId: expected no control characters, got "lab\\u001b[2J"',
    );
    expect(wti({ plugs: {} })).toBe('state file s.json: field plugs: expected a list, got an object');
    expect(wti({ plugs: Array.from({ length: 9 }, (_, i) => ({ number: i + 1 })) })).toBe(
      'state file s.json: field plugs: expected a list of at most 8, got a list of 9',
    );
    expect(wti({ stat: 1 })).toMatch(
      /^state file s\.json: field stat: not a field of this state file \(known: version, model/,
    );
  });

  it('never repeats a password, only its shape', () => {
    for (const value of ['bad\npass', 'y'.repeat(2000), 123456]) {
      const message = wti({ systemPassword: value });
      expect(message).toMatch(/^state file s\.json: field systemPassword: expected /);
      expect(message).not.toContain(String(value).slice(0, 6));
    }
    expect(wti({ plugs: [{ number: 1, password: 42424242 }] })).toBe(
      'state file s.json: field plugs[0].password: expected a string, got a number',
    );
  });

  it('takes every value the unit itself writes', () => {
    const saved = {
      version: 1,
      model: 'ips800',
      systemPassword: 'changeme',
      siteId: null,
      confirm: true,
      automated: false,
      disconnectTimeout: 300,
      plugs: [{ number: 1, name: 'pete', password: null, bootDelay: 0.5, default: 'ON', state: 'OFF' }],
    };
    expect(parseWtiSnapshot(saved, new StateFields('s.json'), ips800)).toMatchObject({
      systemPassword: 'changeme',
      plugs: [{ number: 1, name: 'pete', state: 'OFF' }],
    });
  });

  it('checks APC outlets against the unit’s count and iLO power and host name', () => {
    const f = new StateFields('a.json');
    expect(
      failure(() => parseApcSnapshot({ version: 1, model: 'apc-rackpdu', plugs: [{ number: 9 }] }, f, 8)).message,
    ).toBe('state file a.json: field plugs[0].number: expected a whole number from 1 to 8, got 9');
    expect(
      failure(() => parseApcSnapshot({ version: 1, model: 'apc-rackpdu', firmware: '9', plugs: [] }, f, 8)).message,
    ).toBe('state file a.json: field firmware: expected "2.7" or "6.4", got "9"');
    expect(failure(() => parseIloSnapshot({ version: 1, model: 'ilo4', power: 'SIDEWAYS' }, f)).message).toBe(
      'state file a.json: field power: expected "ON" or "OFF", got "SIDEWAYS"',
    );
    expect(failure(() => parseIloSnapshot({ version: 1, model: 'ilo4', hostName: 'n1; rm -rf /' }, f)).message).toBe(
      'state file a.json: field hostName: expected letters, digits and . _ : @ + - only, got "n1; rm -rf /"',
    );
    expect(parseIloSnapshot({ version: 1, model: 'ilo4', power: 'OFF', hostName: 'node-2.lab' }, f)).toEqual({
      power: 'OFF',
      hostName: 'node-2.lab',
    });
  });
});
