import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readAuditLog } from '../../emulator/lab/audit-log.js';
import { Lab } from '../../emulator/lab/lab.js';
import { parseLabConfig } from '../../emulator/lab/lab-config.js';
import type { LabEvent, LoadStatus } from '../../emulator/lab/types.js';
import { type PtyPair, SOCAT, startPtyPair } from '../helpers/pty-pair.js';
import { peer, run } from '../helpers/run.js';
import { waitFor } from '../helpers/wait.js';

/**
 * One lab, one process: two WTI units (telnet, and a serial line on a socat
 * pty pair), an APC (telnet and SNMP) and an iLO (Redfish), fenced by the
 * real clients, with processes on their plugs. The judges are fence_wti,
 * fence_apc_snmp, fence_redfish and, for the serial line (which fence_wti
 * cannot reach), fence_fencekit's serial_port=, as Pacemaker would run it.
 * Addresses 127.0.7.1–4, fixed ports (test/helpers/ADDRESSES.md).
 */
const FENCE_WTI = '/usr/sbin/fence_wti';
const FENCE_APC_SNMP = '/usr/sbin/fence_apc_snmp';
const FENCE_REDFISH = '/usr/sbin/fence_redfish';
const FENCE_FENCEKIT = path.resolve(import.meta.dirname, '../../dist/bin/fence_fencekit.js');
const available = [FENCE_WTI, FENCE_APC_SNMP, FENCE_REDFISH, SOCAT].every((c) => peer(c).available);

const SLEEP = 'exec sleep 100000';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    expect((err as NodeJS.ErrnoException).code).toBe('ESRCH');
    return false;
  }
}

/** The state letter of /proc/PID/stat: R, S, T (stopped)… */
function procState(pid: number): string {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'latin1');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0] as string;
}

describe.skipIf(!available)('the lab: real clients fence real processes', () => {
  let dir: string;
  let pty: PtyPair;
  let lab: Lab;
  const events: LabEvent[] = [];

  const load = (unit: string, plug: number) => lab.unit(unit).plugs.find((p) => p.plug === plug)?.load;
  const untilLoad = (unit: string, plug: number, status: LoadStatus) =>
    waitFor(() => (load(unit, plug)?.status === status ? load(unit, plug) : null), {
      what: `${unit} plug ${plug}'s load to be ${status}`,
    });
  const fenceWti = (...args: string[]) =>
    run(FENCE_WTI, ['-a', '127.0.7.1', '-u', '2323', '-p', 'secret', ...args], { timeoutMs: 60_000 });

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fencekit-lab-'));
    fs.writeFileSync(path.join(dir, 'wti.pw'), 'secret\n');
    pty = await startPtyPair();
    const config = parseLabConfig(
      {
        admin: null,
        units: [
          {
            name: 'wti-a',
            model: 'ips800',
            listen: '127.0.7.1:2323',
            passwordFile: 'wti.pw',
            plugs: [{ number: 5, name: 'node-a' }],
            loads: { '5': { process: SLEEP }, '6': { process: 'exit 3' }, '7': { process: SLEEP } },
          },
          { name: 'wti-b', model: 'ips800', listen: null, serial: pty.a, passwordFile: 'wti.pw', bootDelay: 0.2 },
          { name: 'pdu', model: 'apc-rackpdu', listen: '127.0.7.2:2323', snmp: '127.0.7.2:1161', outlets: 8 },
          { name: 'ilo-a', model: 'ilo4', https: '127.0.7.3:8443', loads: { '1': { process: SLEEP } } },
        ],
      },
      'lab.json',
      dir,
    );
    lab = await Lab.start(config, { stateDir: path.join(dir, 'state') });
    lab.events.subscribe((e) => events.push(e));
    await untilLoad('wti-a', 5, 'alive');
  });

  afterAll(async () => {
    await lab?.stop();
    await pty?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('starts every unit in one process and tells how to reach each', () => {
    expect(lab.units().map((u) => [u.name, u.family])).toEqual([
      ['wti-a', 'WTI'],
      ['wti-b', 'WTI'],
      ['pdu', 'APC'],
      ['ilo-a', 'iLO'],
    ]);
    const reach = lab.describe().join('\n');
    expect(reach).toContain('fence_wti -a 127.0.7.1 -u 2323');
    expect(reach).toContain('fence_apc_snmp -a 127.0.7.2 -u 1161');
    expect(reach).toContain('fence_redfish -a 127.0.7.3 -u 8443');
    // Generated keys live in the state directory, never in the working tree.
    expect(fs.existsSync(path.join(dir, 'state/units/ilo-a.json.tls-cert.pem'))).toBe(true);
  });

  it('fence_wti -o off kills the process group on the plug, and the audit log holds the line; -o on brings it back', async () => {
    const before = load('wti-a', 5)?.pid as number;
    expect(alive(before)).toBe(true);
    const off = await fenceWti('-n', '5', '-o', 'off');
    expect(off.stdout).toBe('Success: Powered OFF\n');
    // fence_wti reads the state back before it says so; the cut was sent when the device changed.
    await untilLoad('wti-a', 5, 'dead');
    expect(alive(before)).toBe(false);
    const audit = readAuditLog(lab.auditFile);
    expect(audit).toContainEqual(
      expect.objectContaining({
        unit: 'wti-a',
        plug: 5,
        from: 'ON',
        to: 'OFF',
        result: 'ok',
        actor: expect.objectContaining({ protocol: 'telnet', user: 'admin' }),
      }),
    );
    expect(fs.readFileSync(lab.auditFile, 'utf8')).not.toContain('secret');

    const on = await fenceWti('-n', '5', '-o', 'on');
    expect(on.stdout).toBe('Success: Powered ON\n');
    const back = await untilLoad('wti-a', 5, 'alive');
    expect(back?.pid).not.toBe(before);
    expect(alive(back?.pid as number)).toBe(true);
  });

  it('a frozen load stays alive (stopped) until fenced, then it is gone', async () => {
    const pid = (await untilLoad('wti-a', 7, 'alive'))?.pid as number;
    lab.freeze('wti-a', 7, { protocol: 'api' });
    await waitFor(() => procState(pid) === 'T', { what: 'the process to be stopped' });
    expect(load('wti-a', 7)?.status).toBe('frozen');
    expect(alive(pid)).toBe(true);
    const off = await fenceWti('-n', '7', '-o', 'off');
    expect(off.stdout).toBe('Success: Powered OFF\n');
    await untilLoad('wti-a', 7, 'dead');
    expect(alive(pid)).toBe(false);
  });

  it('a load that exits by itself shows crashed while its plug stays ON', async () => {
    const crashed = await untilLoad('wti-a', 6, 'crashed');
    expect(crashed?.exit).toEqual({ code: 3, signal: null });
    expect(lab.unit('wti-a').plugs.find((p) => p.plug === 6)?.state).toBe('ON');
  });

  it('fence_apc_snmp fences the APC over SNMP', async () => {
    const r = await run(FENCE_APC_SNMP, ['-a', '127.0.7.2', '-u', '1161', '-n', '3', '-o', 'off'], {
      timeoutMs: 60_000,
    });
    expect(r.stdout).toBe('Success: Powered OFF\n');
    expect(lab.unit('pdu').plugs[2]?.state).toBe('OFF');
    expect(readAuditLog(lab.auditFile)).toContainEqual(
      expect.objectContaining({
        unit: 'pdu',
        plug: 3,
        to: 'OFF',
        actor: expect.objectContaining({ protocol: 'snmp' }),
      }),
    );
  });

  it('fence_redfish powers the iLO server off, and its load dies', async () => {
    const pid = load('ilo-a', 1)?.pid as number;
    const r = await run(
      FENCE_REDFISH,
      ['-a', '127.0.7.3', '-u', '8443', '-l', 'admin', '-p', 'admin', '--ssl-insecure', '-o', 'off'],
      { timeoutMs: 60_000 },
    );
    expect(r.stdout).toBe('Success: Powered OFF\n');
    await untilLoad('ilo-a', 1, 'dead');
    expect(alive(pid)).toBe(false);
    expect(lab.unit('ilo-a').plugs[0]?.lastActor).toEqual(
      expect.objectContaining({ protocol: 'redfish', user: 'admin' }),
    );
  });

  it('fence_fencekit fences the WTI on the serial line (serial_port=)', async () => {
    const r = await run(process.execPath, [FENCE_FENCEKIT], {
      input: `driver=wti\nserial_port=${pty.b}\nbaud=9600\npassword=secret\nplug=3\naction=off\n`,
      timeoutMs: 60_000,
    });
    expect(r.code, r.stderr).toBe(0);
    expect(lab.unit('wti-b').plugs[2]?.state).toBe('OFF');
    expect(readAuditLog(lab.auditFile)).toContainEqual(
      expect.objectContaining({
        unit: 'wti-b',
        plug: 3,
        to: 'OFF',
        actor: expect.objectContaining({ protocol: 'serial' }),
      }),
    );
  });

  it('a stuck relay set through the lab makes fence_wti fail, and the load lives on', async () => {
    await fenceWti('-n', '5', '-o', 'on');
    const pid = (await untilLoad('wti-a', 5, 'alive'))?.pid as number;
    lab.setFault('wti-a', 'stuck-relay', true, { protocol: 'api' });
    try {
      const r = await fenceWti('-n', '5', '-o', 'off', '--power-timeout', '2');
      expect(r.code).not.toBe(0);
      expect(alive(pid)).toBe(true);
    } finally {
      lab.setFault('wti-a', 'stuck-relay', false, { protocol: 'api' });
    }
    expect(events.filter((e) => e.type === 'fault').map((e) => e.type === 'fault' && e.active)).toEqual([true, false]);
  });
});
