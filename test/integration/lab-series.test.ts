import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../emulator/config.js';
import { LabMetrics } from '../../emulator/lab/admin/metrics.js';
import { Lab } from '../../emulator/lab/lab.js';
import { parseLabConfig } from '../../emulator/lab/lab-config.js';
import { waitFor } from '../helpers/wait.js';

/**
 * A load behind two plugs in series (`alsoFedBy`): a server fed by a WTI
 * outlet and switched by its iLO runs only while both are ON, and either one
 * going OFF kills it. Address 127.0.7.21, port 0.
 */
const API = { protocol: 'api', peer: '127.0.0.1:1', token: 'ci' };
let dir: string;
let lab: Lab | undefined;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fencekit-lab-series-'));
});
afterEach(async () => {
  await lab?.stop();
  lab = undefined;
  fs.rmSync(dir, { recursive: true, force: true });
});

const units = (load: Record<string, unknown>, iloLoads?: Record<string, unknown>) => [
  { name: 'pdu', model: 'ips800', listen: '127.0.7.21:0', loads: { 1: load } },
  { name: 'ilo', model: 'ilo4', https: '127.0.7.21:0', ...(iloLoads ? { loads: iloLoads } : {}) },
];
const start = (load: Record<string, unknown>, iloLoads?: Record<string, unknown>) =>
  Lab.start(parseLabConfig({ admin: null, units: units(load, iloLoads) }, 'lab.json', dir), {
    stateDir: path.join(dir, 'state'),
  });

/** The process exists and is not a zombie. */
function running(pid: number | undefined): boolean {
  if (pid === undefined) return false;
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'latin1');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

describe('a load fed by two plugs in series', () => {
  it('runs only while both are ON; either one OFF kills it', async () => {
    lab = await start({ process: 'exec sleep 100000', alsoFedBy: ['ilo:1'] });
    const load = () => lab?.unit('pdu').plugs[0]?.load;
    await waitFor(() => load()?.status === 'alive', { what: 'the load to start with both plugs ON' });
    const first = load()?.pid;
    expect(running(first)).toBe(true);
    // The iLO's plug shows the same load, naming the plug it is declared on; /metrics counts it once.
    expect(lab.unit('ilo').plugs[0]?.load).toEqual({ ...load(), declaredOn: 'pdu:1' });
    const metrics = new LabMetrics(lab);
    try {
      const { body } = await metrics.text();
      expect(body).toContain('fencekit_lab_loads_alive{unit="pdu"} 1');
      expect(body).toContain('fencekit_lab_loads_alive{unit="ilo"} 0');
    } finally {
      metrics.close();
    }

    // The iLO powers the server off: the outlet is still ON, the load dies.
    await lab.setPlug('ilo', 1, 'off', API);
    expect(load()?.status).toBe('dead');
    expect(running(first)).toBe(false);
    expect(lab.unit('pdu').plugs[0]?.state).toBe('ON');

    // The outlet goes OFF too, then the iLO turns the server on: still no power through the outlet.
    await lab.setPlug('pdu', 1, 'off', API);
    await lab.setPlug('ilo', 1, 'on', API);
    expect(load()?.status).toBe('dead');

    // The outlet back ON: both are ON, a new process.
    await lab.setPlug('pdu', 1, 'on', API);
    await waitFor(() => load()?.status === 'alive', { what: 'the load to start again' });
    const second = load()?.pid;
    expect(second).not.toBe(first);
    expect(running(second)).toBe(true);

    // And the outlet alone going OFF kills it as well.
    await lab.setPlug('pdu', 1, 'off', API);
    expect(load()?.status).toBe('dead');
    expect(running(second)).toBe(false);
  });

  it('can be frozen and thawed through either plug', async () => {
    lab = await start({ process: 'exec sleep 100000', alsoFedBy: ['ilo:1'] });
    await waitFor(() => lab?.unit('pdu').plugs[0]?.load?.status === 'alive', { what: 'the load to start' });
    expect(lab.freeze('ilo', 1, API).load?.status).toBe('frozen');
    expect(lab.thaw('pdu', 1, API).load?.status).toBe('alive');
  });

  it('a feed that is not there, or a plug that powers a load already, stops the start in one line', async () => {
    const refused = async (load: Record<string, unknown>, iloLoads?: Record<string, unknown>) => {
      const err = await start(load, iloLoads).then(
        (l) => {
          lab = l;
          return null;
        },
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(ConfigError);
      return (err as Error).message;
    };
    const at = `lab.json: unit 'pdu': loads["1"].alsoFedBy`;
    expect(await refused({ process: 'true', alsoFedBy: ['bmc:1'] })).toBe(`${at}: no unit 'bmc' in this lab`);
    expect(await refused({ process: 'true', alsoFedBy: ['ilo:2'] })).toBe(`${at}: unit 'ilo' has no plug 2`);
    expect(await refused({ process: 'true', alsoFedBy: ['ilo:1'] }, { 1: { process: 'true' } })).toBe(
      `${at}: plug 1 of unit 'ilo' already powers a load`,
    );
    expect(await refused({ process: 'true', alsoFedBy: ['pdu:1'] })).toBe(
      `${at}: plug 1 of unit 'pdu' already powers a load`,
    );
    expect(() =>
      parseLabConfig({ admin: null, units: units({ process: 'true', alsoFedBy: ['ilo'] }) }, 'lab.json', dir),
    ).toThrow(`lab.json: unit 'pdu': loads["1"].alsoFedBy: "ilo" is not "UNIT:PLUG" (a unit's name, a plug number)`);
    expect(() =>
      parseLabConfig({ admin: null, units: units({ process: 'true', alsoFedBy: [] }) }, 'lab.json', dir),
    ).toThrow(`lab.json: unit 'pdu': loads["1"].alsoFedBy must be a list of "UNIT:PLUG"`);
  });
});
