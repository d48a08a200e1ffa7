import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../emulator/config.js';
import { Lab } from '../../emulator/lab/lab.js';
import { parseLabConfig, readLabConfig } from '../../emulator/lab/lab-config.js';
import { LabError } from '../../emulator/lab/lab-error.js';
import { StateFileError } from '../../emulator/state-error.js';
import { waitFor } from '../helpers/wait.js';

/**
 * The Lab class without real clients: out-of-band switching, faults, freeze,
 * exec loads, the event stream, and what a bad config, a corrupt state file
 * or a link planted in the state directory give. Address 127.0.7.20, port 0.
 */
const API = { protocol: 'api', peer: '127.0.0.1:1', token: 'ci' };
let dir: string;
let lab: Lab | undefined;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fencekit-lab-unit-'));
});
afterEach(async () => {
  await lab?.stop();
  lab = undefined;
  fs.rmSync(dir, { recursive: true, force: true });
});

const wti = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  model: 'ips800',
  listen: '127.0.7.20:0',
  ...extra,
});
const config = (units: unknown[], extra: Record<string, unknown> = {}) =>
  parseLabConfig({ admin: null, units, ...extra }, 'lab.json', dir);

/** The process exists and is not a zombie (an orphan is reaped by PID 1 when PID 1 gets round to it). */
function running(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'latin1');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

function configError(raw: unknown): string {
  try {
    parseLabConfig(raw, 'lab.json', dir);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('the config was accepted');
}

describe('the lab config', () => {
  it('names the file, the unit and the key in one line', () => {
    expect(configError({ units: [wti('a', { sshh: 'x' })] })).toBe("lab.json: unit 'a': unknown setting 'sshh'");
    expect(configError({ units: [wti('a', { ssh: '127.0.0.1:22' })] })).toMatch(
      /^lab\.json: unit 'a': 'ssh' does not apply to --model ips800/,
    );
    expect(configError({ units: [wti('a', { state: 'x.json' })] })).toMatch(
      /^lab\.json: unit 'a': 'state' is not a lab setting/,
    );
    expect(configError({ units: [wti('a'), wti('a')] })).toBe("lab.json: unit 'a': 'name' is used by another unit");
    expect(configError({ units: [{ name: 'B', model: 'ips800' }] })).toMatch(/^lab\.json: units\[0\]: 'name' must be/);
    expect(configError({ units: [wti('a', { loads: { x: { process: 'true' } } })] })).toBe(
      "lab.json: unit 'a': loads key 'x' is not a plug number",
    );
    expect(configError({ units: [wti('a', { loads: { 1: { process: 'true', exec: 'true' } } })] })).toMatch(
      /exactly one of/,
    );
    expect(configError({ units: [{ name: 'a', model: 'ips800' }] })).toBe(
      "lab.json: unit 'a': nothing to serve: give 'listen' or 'serial'",
    );
    expect(
      configError({ units: [wti('a', { listen: '127.0.7.20:2000' }), wti('b', { listen: '127.0.7.20:2000' })] }),
    ).toBe("lab.json: unit 'b': 'listen' 127.0.7.20:2000 is already unit 'a''s");
    expect(configError({ units: [wti('a')], extra: 1 })).toMatch(/^lab\.json: unknown key 'extra'/);
  });

  it('a config that is not JSON is named by line and column, never quoted (it may hold a password)', () => {
    const file = path.join(dir, 'lab.json');
    fs.writeFileSync(file, '{ "units": [{ "name": "a", "model": "ips800",\n  "password": "pw-Hq4-secret" x }] }');
    expect(() => readLabConfig(file)).toThrow(
      new ConfigError(`lab config ${file} is not valid JSON: at line 2, column 31, expected ',' or '}'`),
    );
  });

  it('resolves paths from the config file and puts the state beside it by default', () => {
    const file = path.join(dir, 'lab.json');
    fs.writeFileSync(
      file,
      JSON.stringify({ units: [wti('a', { passwordFile: 'pw', loads: { 1: { process: 'true', cwd: 'work' } } })] }),
    );
    const c = readLabConfig(file);
    expect(c.stateDir).toBe(path.join(dir, 'fencekit-lab'));
    expect(c.admin).toEqual({ listen: '127.0.0.1:8780' });
    expect(c.units[0]?.passwordFile).toBe(path.join(dir, 'pw'));
    expect(c.units[0]?.loads?.['1']).toEqual({ process: 'true', cwd: path.join(dir, 'work') });
  });

  it('a plug the unit does not have is refused at start, nothing left listening', async () => {
    const c = config([wti('a', { loads: { 9: { process: 'true' } } })]);
    await expect(Lab.start(c, { stateDir: path.join(dir, 'state') })).rejects.toThrow(
      'lab.json: unit \'a\': loads["9"]: plug 9 does not exist (the unit has 1, 2, 3, 4, 5, 6, 7, 8)',
    );
  });
});

describe('the state directory', () => {
  it('is made 0700 with units/, loads/ and the audit log 0600', async () => {
    lab = await Lab.start(config([wti('a')]), { stateDir: path.join(dir, 'state') });
    expect(fs.statSync(lab.stateDir).mode & 0o777).toBe(0o700);
    expect(fs.statSync(path.join(lab.stateDir, 'units')).mode & 0o777).toBe(0o700);
    expect(fs.statSync(lab.auditFile).mode & 0o777).toBe(0o600);
    expect(fs.existsSync(path.join(lab.stateDir, 'units/a.json'))).toBe(true);
  });

  it('a symbolic link planted in its place stops the start with one line', async () => {
    fs.mkdirSync(path.join(dir, 'elsewhere'));
    fs.symlinkSync(path.join(dir, 'elsewhere'), path.join(dir, 'state'));
    const err = await Lab.start(config([wti('a')]), { stateDir: path.join(dir, 'state') }).catch((e) => e);
    expect(err).toBeInstanceOf(StateFileError);
    expect(err.message).toBe(
      `state directory ${path.join(dir, 'state')}: is a symbolic link; the lab writes only into a directory of its own (remove the link)`,
    );
    expect(fs.readdirSync(path.join(dir, 'elsewhere'))).toEqual([]);
  });

  it('a corrupt unit state file stops the start with one line naming it', async () => {
    fs.mkdirSync(path.join(dir, 'state/units'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'state/units/a.json'), '{"version": 1, "model": "ips800", ');
    const err = await Lab.start(config([wti('a')]), { stateDir: path.join(dir, 'state') }).catch((e) => e);
    expect(err).toBeInstanceOf(StateFileError);
    expect(err.message).toMatch(new RegExp(`^state file ${path.join(dir, 'state/units/a.json')}: `));
    expect(err.message).not.toContain('\n');
  });

  it('a link planted as the audit log is refused', async () => {
    fs.mkdirSync(path.join(dir, 'state'), { mode: 0o700 });
    fs.symlinkSync('/dev/null', path.join(dir, 'state/audit.jsonl'));
    const err = await Lab.start(config([wti('a')]), { stateDir: path.join(dir, 'state') }).catch((e) => e);
    expect(err).toBeInstanceOf(StateFileError);
    expect(err.message).toMatch(/audit\.jsonl: is a symbolic link/);
  });
});

describe('the lab at run time', () => {
  it('switches a plug out of band with the caller as actor, in the events and the audit log, kept across restarts', async () => {
    const c = config([wti('a', { loads: { 2: { process: 'exec sleep 100000' } } })]);
    lab = await Lab.start(c, { stateDir: path.join(dir, 'state') });
    const pid = (await waitFor(() => lab?.unit('a').plugs[1]?.load?.pid, { what: 'the load to start' })) as number;
    const view = await lab.setPlug('a', 2, 'off', API);
    expect(view).toMatchObject({ state: 'OFF', lastActor: API, load: { status: 'dead' } });
    expect(() => process.kill(pid, 0)).toThrow(expect.objectContaining({ code: 'ESRCH' }));
    const plugEvents = lab.events.since(0).filter((e) => e.type === 'plug');
    expect(plugEvents).toEqual([expect.objectContaining({ unit: 'a', plug: 2, from: 'ON', to: 'OFF', actor: API })]);
    await lab.stop();
    // The next run appends to the same log, and the plug remembers it is off.
    lab = await Lab.start(c, { stateDir: path.join(dir, 'state') });
    expect(lab.unit('a').plugs[1]?.state).toBe('OFF');
    expect(lab.unit('a').plugs[1]?.load?.status).toBe('off');
    await lab.setPlug('a', 2, 'reboot', API);
    const lines = fs
      .readFileSync(lab.auditFile, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => `${l.from}>${l.to}`)).toEqual(['ON>OFF', 'OFF>ON']);
    await waitFor(() => lab?.unit('a').plugs[1]?.load?.status === 'alive', { what: 'the load to start again' });
  });

  it('a power cut kills what a crashed command left running in its process group', async () => {
    const pidFile = path.join(dir, 'orphan.pid');
    const c = config([wti('a', { loads: { 2: { process: `sleep 100000 & echo $! > ${pidFile}; exit 3` } } })]);
    lab = await Lab.start(c, { stateDir: path.join(dir, 'state') });
    await waitFor(() => lab?.unit('a').plugs[1]?.load?.status === 'crashed', { what: 'the shell to exit' });
    const orphan = Number(fs.readFileSync(pidFile, 'utf8'));
    expect(running(orphan)).toBe(true);
    await lab.setPlug('a', 2, 'off', API);
    expect(running(orphan)).toBe(false);
  });

  it('says ENOUNIT, ENOPLUG, ENOFAULT and ENOLOAD with what there is', async () => {
    lab = await Lab.start(config([wti('a', { loads: { 3: { exec: 'true' } } })]), {
      stateDir: path.join(dir, 'state'),
    });
    const code = (fn: () => unknown) => {
      try {
        fn();
      } catch (err) {
        expect(err).toBeInstanceOf(LabError);
        return [(err as LabError).code, (err as Error).message];
      }
      return null;
    };
    expect(code(() => lab?.unit('b'))).toEqual(['ENOUNIT', "no unit 'b' in this lab (units: a)"]);
    await expect(lab.setPlug('a', 9, 'off', API)).rejects.toMatchObject({ code: 'ENOPLUG' });
    expect(code(() => lab?.setFault('a', 'melted', true, API))?.[0]).toBe('ENOFAULT');
    expect(code(() => lab?.setFault('a', 'melted', true, API))?.[1]).toMatch(/its faults: .*stuck-relay/);
    expect(code(() => lab?.freeze('a', 1, API))?.[0]).toBe('ENOLOAD');
    expect(code(() => lab?.freeze('a', 3, API))?.[0]).toBe('ENOLOAD');
  });

  it('sets and clears a fault on the device, in the lab vocabulary', async () => {
    lab = await Lab.start(config([wti('a'), { name: 'i', model: 'ilo4', https: '127.0.7.20:0' }]), {
      stateDir: path.join(dir, 'state'),
    });
    expect(lab.setFault('a', 'stuck-relay', true, API).faults).toEqual(['stuck-relay']);
    expect([...(lab.host('a').device.faults as Set<string>)]).toEqual(['stuck-relay']);
    expect(lab.unit('i').knownFaults).toContain('stuck-relay');
    expect(lab.setFault('i', 'stuck-relay', true, API).faults).toEqual(['stuck-relay']);
    expect(lab.setFault('a', 'stuck-relay', false, API).faults).toEqual([]);
    expect(lab.events.since(0).filter((e) => e.type === 'fault')).toHaveLength(3);
  });

  it('runs an exec load at each transition with the unit, plug and state in its environment', async () => {
    const out = path.join(dir, 'exec.out');
    const c = config([
      wti('a', { loads: { 4: { exec: `echo "$FENCEKIT_UNIT $FENCEKIT_PLUG $FENCEKIT_STATE" >> ${out}` } } }),
    ]);
    lab = await Lab.start(c, { stateDir: path.join(dir, 'state') });
    await waitFor(() => lab?.unit('a').plugs[3]?.load?.status === 'alive', { what: 'the ON command' });
    await lab.setPlug('a', 4, 'off', API);
    expect(fs.readFileSync(out, 'utf8')).toBe('a 4 on\na 4 off\n');
    expect(lab.unit('a').plugs[3]?.load?.status).toBe('dead');
  });

  it('keeps the last 1000 events, ids increasing', async () => {
    lab = await Lab.start(config([wti('a')]), { stateDir: path.join(dir, 'state') });
    for (let i = 0; i < 600; i++) {
      lab.setFault('a', 'stuck-relay', true, API);
      lab.setFault('a', 'stuck-relay', false, API);
    }
    const all = lab.events.since(0);
    expect(all).toHaveLength(1000);
    expect(all.every((e, i) => i === 0 || e.id === (all[i - 1]?.id ?? 0) + 1)).toBe(true);
    const last = all[all.length - 1]?.id as number;
    expect(lab.events.since(last - 3).map((e) => e.id)).toEqual([last - 2, last - 1, last]);
  });
});
