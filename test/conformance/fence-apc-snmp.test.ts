import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ApcEmulator } from '../../emulator/apc-emulator.js';
import type { Timestamped } from '../../emulator/events.js';
import { peer, run } from '../helpers/run.js';
import { startApc } from '../helpers/units.js';

/**
 * The real fence_apc_snmp (fence-agents 4.12.1, running net-snmp's snmpwalk,
 * snmpget and snmpset) against the emulated Rack PDU's SNMP agent. If it
 * fails here, the agent is wrong. Address 127.0.0.134, UDP port 0.
 */
const FENCE_APC_SNMP = '/usr/sbin/fence_apc_snmp';
const { available } = peer(FENCE_APC_SNMP);

describe.skipIf(!available)('fence_apc_snmp against the Rack PDU SNMP agent', () => {
  let emu: ApcEmulator;
  let port: number;
  let events: Timestamped[] = [];
  const fence = (...args: string[]) =>
    run(FENCE_APC_SNMP, ['-a', '127.0.0.134', '-u', String(port), ...args], { timeoutMs: 60_000 });
  const state = (plug: number) => emu.device.bank.get(plug)?.state;
  const plugEvents = (from: number, plug: number) =>
    events.slice(from).flatMap((e) => (e.type === 'plug' && e.plug === plug ? [e.state] : []));

  beforeAll(async () => {
    const apc = await startApc('127.0.0.134', {
      snmp: 0,
      outlets: 8,
      plugs: [
        { number: 1, name: 'node1' },
        { number: 2, name: 'node2' },
        { number: 3, name: 'node3' },
      ],
      bootDelay: 1,
    });
    ({ emulator: emu, port, events } = apc);
  });
  afterAll(() => emu.stop());

  beforeEach(() => {
    emu.device.faults.clear();
    for (const n of [1, 2, 3]) emu.device.bank.force(n, 'ON', 'test');
  });

  it('status of an outlet that is on: "Status: ON", exit 0 (SNMPv1, community private by default)', async () => {
    const r = await fence('-n', '1', '-o', 'status');
    expect(r.stdout).toBe('Status: ON\n');
    expect(r.code).toBe(0);
  });

  it('status of an outlet that is off: "Status: OFF", exit 2', async () => {
    emu.device.bank.force(2, 'OFF', 'test');
    const r = await fence('-c', 'private', '-n', '2', '-o', 'status');
    expect(r.stdout).toBe('Status: OFF\n');
    expect(r.code).toBe(2);
  });

  it('off, then on, and the outlet reads back each time', async () => {
    const off = await fence('-c', 'private', '-n', '2', '-o', 'off');
    expect(off.stdout).toBe('Success: Powered OFF\n');
    expect(off.code).toBe(0);
    expect(state(2)).toBe('OFF');
    const on = await fence('-c', 'private', '-n', '2', '-o', 'on');
    expect(on.stdout).toBe('Success: Powered ON\n');
    expect(on.code).toBe(0);
    expect(state(2)).toBe('ON');
  });

  it('reboot: the outlet goes off, then on again', async () => {
    const from = events.length;
    const r = await fence('-c', 'private', '-n', '3', '-o', 'reboot');
    expect(r.stdout).toBe('Success: Rebooted\n');
    expect(r.code).toBe(0);
    expect(plugEvents(from, 3)).toEqual(['OFF', 'ON']);
    expect(state(3)).toBe('ON');
  });

  it('list: every outlet as N,name, unnamed ones as "Outlet N"', async () => {
    const r = await fence('-c', 'private', '-o', 'list');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      ['1,node1', '2,node2', '3,node3', ...[4, 5, 6, 7, 8].map((n) => `${n},Outlet ${n}`), ''].join('\n'),
    );
  });

  it('list-status: the names, with the state UNKNOWN as fence_apc_snmp reports it', async () => {
    const r = await fence('-c', 'private', '-o', 'list-status');
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n').slice(0, 3)).toEqual(['1,node1,UNKNOWN', '2,node2,UNKNOWN', '3,node3,UNKNOWN']);
  });

  it('finds a plug by its name in the names table', async () => {
    const off = await fence('-c', 'private', '-n', 'node3', '-o', 'off');
    expect(off.stdout).toBe('Success: Powered OFF\n');
    expect(state(3)).toBe('OFF');
    const status = await fence('-c', 'private', '-n', 'node3', '-o', 'status');
    expect(status.stdout).toBe('Status: OFF\n');
    expect(status.code).toBe(2);
  });

  it('a name no outlet has fails', async () => {
    const r = await fence('-c', 'private', '-n', 'nosuch', '-o', 'on');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("Can't find port with name nosuch!");
  });

  it('an outlet that does not exist fails: v1 status gets noSuchName', async () => {
    const r = await fence('-c', 'private', '-n', '9', '-o', 'status');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Reason: (noSuchName) There is no such variable name in this MIB.');
  });

  it('an outlet that does not exist fails: v2c on gets noCreation', async () => {
    const r = await fence('-c', 'private', '-d', '2c', '-n', '9', '-o', 'on');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Reason: noCreation');
  });

  it('SNMPv2c (-d 2c): status, off and on', async () => {
    expect((await fence('-c', 'private', '-d', '2c', '-n', '1', '-o', 'status')).stdout).toBe('Status: ON\n');
    const off = await fence('-c', 'private', '-d', '2c', '-n', '1', '-o', 'off');
    expect(off.stdout).toBe('Success: Powered OFF\n');
    expect(state(1)).toBe('OFF');
    const on = await fence('-c', 'private', '-d', '2c', '-n', '1', '-o', 'on');
    expect(on.stdout).toBe('Success: Powered ON\n');
    expect(state(1)).toBe('ON');
  });

  it('SNMPv3 authPriv (SHA/AES) with a user of the card', async () => {
    emu.device.snmpUsers = [
      {
        name: 'fencer',
        authProtocol: 'sha',
        authKey: 'fence-auth-key',
        privProtocol: 'aes',
        privKey: 'fence-priv-key',
      },
    ];
    const v3 = [
      '-d',
      '3',
      '-l',
      'fencer',
      '-p',
      'fence-auth-key',
      '-b',
      'SHA',
      '-E',
      'authPriv',
      '-B',
      'AES',
      '-P',
      'fence-priv-key',
    ];
    const off = await fence(...v3, '-n', '2', '-o', 'off');
    expect(off.stdout).toBe('Success: Powered OFF\n');
    expect(state(2)).toBe('OFF');
    expect((await fence(...v3, '-n', '2', '-o', 'status')).stdout).toBe('Status: OFF\n');
  });

  it('takes its options on stdin, as Pacemaker passes them', async () => {
    const r = await run(FENCE_APC_SNMP, [], {
      input: `ip=127.0.0.134\nipport=${port}\ncommunity=private\nplug=node2\naction=off\n`,
      timeoutMs: 60_000,
    });
    expect(r.code).toBe(0);
    expect(state(2)).toBe('OFF');
  });

  it('fails with the read community: the SET is refused and the outlet stays on', async () => {
    const r = await fence('-c', 'public', '-n', '1', '-o', 'off');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Reason: (noSuchName)');
    expect(state(1)).toBe('ON');
  });

  it('fails when the relay is stuck: the SET is taken but the outlet never reads off', async () => {
    emu.device.faults.add('stuck-relay');
    const r = await fence('-c', 'private', '-n', '1', '-o', 'off', '--power-timeout', '2');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Timed out waiting to power OFF');
    expect(state(1)).toBe('ON');
  });
});
