import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ApcEmulator } from '../../emulator/apc-emulator.js';
import type { Timestamped } from '../../emulator/events.js';
import { peer, run, runOnTty } from '../helpers/run.js';
import { startApc } from '../helpers/units.js';

/**
 * The real cluster-glue `stonith -t apcmastersnmp` (1.0.12) against the
 * emulated Rack PDU's SNMP agent. apcmastersnmp ignores its `port` parameter
 * and always sends SNMPv1 to UDP 161, so the agent takes 127.0.0.135:161 (we
 * run as root in CI).
 */
const STONITH = '/usr/sbin/stonith';
const { available } = peer(STONITH);
const HOST = '127.0.0.135';

describe.skipIf(!available)('stonith -t apcmastersnmp against the Rack PDU SNMP agent', () => {
  let emu: ApcEmulator;
  let events: Timestamped[] = [];
  const stonith = (community: string, ...args: string[]) =>
    run(STONITH, ['-t', 'apcmastersnmp', `ipaddr=${HOST}`, 'port=161', `community=${community}`, ...args], {
      timeoutMs: 60_000,
    });
  const state = (plug: number) => emu.device.bank.get(plug)?.state;
  const plugEvents = (from: number, plug: number) =>
    events.slice(from).flatMap((e) => (e.type === 'plug' && e.plug === plug ? [e.state] : []));

  beforeAll(async () => {
    const apc = await startApc(HOST, {
      snmp: 161,
      outlets: 4,
      plugs: [
        { number: 1, name: 'node1' },
        { number: 2, name: 'Node2' },
        { number: 3, name: 'NODE1' },
      ],
      bootDelay: 1,
    });
    ({ emulator: emu, events } = apc);
  });
  afterAll(() => emu.stop());

  beforeEach(() => {
    emu.device.faults.clear();
    for (const n of [1, 2, 3, 4]) {
      emu.device.bank.force(n, 'ON', 'test');
      emu.device.bank.configure(n, { bootDelayMs: 1000 }, 'test');
    }
  });

  it("-S: the device is OK, exit 0, with the warning a real AP7930 draws (not on the plugin's tested list)", async () => {
    const r = await stonith('private', '-S');
    expect(r.code).toBe(0);
    const tty = await runOnTty(`${STONITH} -t apcmastersnmp ipaddr=${HOST} port=161 community=private -S`);
    expect(tty.code).toBe(0);
    // The plugin was tested with AP9606, AP7920, AP7921 and AP7900 only; the emulated unit is the recorded AP7930.
    expect(tty.stdout).toBe(
      "WARN: apcmastersnmp_status: module not tested with this hardware 'AP7930'.\r\n" +
        'info: apcmastersnmp device OK.\r\n',
    );
  });

  it('-l: the outlet names, lowercased, each once (case-insensitively)', async () => {
    const r = await stonith('private', '-l');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('node1\nnode2\noutlet 4\n');
  });

  it('-T reset: the outlet goes off, then on again after its reboot duration; exit 0', async () => {
    const from = events.length;
    const r = await stonith('private', '-T', 'reset', 'node2');
    expect(r.code).toBe(0);
    expect(plugEvents(from, 2)).toEqual(['OFF', 'ON']);
    expect(state(2)).toBe('ON');
  });

  it('-T off, then -T on, by a name matched case-insensitively', async () => {
    const off = await stonith('private', '-T', 'off', 'NODE2');
    expect(off.code).toBe(0);
    expect(state(2)).toBe('OFF');
    const on = await stonith('private', '-T', 'on', 'node2');
    expect(on.code).toBe(0);
    expect(state(2)).toBe('ON');
  });

  it('-T off of a host on two outlets switches both', async () => {
    const r = await stonith('private', '-T', 'off', 'node1');
    expect(r.code).toBe(0);
    expect([state(1), state(2), state(3)]).toEqual(['OFF', 'ON', 'OFF']);
  });

  it('-T on a host no outlet names: exit 4 (S_BADHOST), nothing switched', async () => {
    const from = events.length;
    const r = await stonith('private', '-T', 'reset', 'nosuch');
    expect(r.code).toBe(4);
    expect(plugEvents(from, 1).length + plugEvents(from, 2).length).toBe(0);
  });

  it('-T while a command is pending on the outlet: exit 5 ("command pending")', async () => {
    emu.device.bank.configure(2, { bootDelayMs: 60_000 }, 'test');
    void emu.device.bank.switch([2], 'boot', 'test');
    try {
      const r = await runOnTty(`${STONITH} -t apcmastersnmp ipaddr=${HOST} port=161 community=private -T on node2`);
      expect(r.code).toBe(5);
      expect(r.stdout).toContain('command pending');
    } finally {
      emu.device.bank.force(2, 'ON', 'test');
    }
  });

  it('-T off with a stuck relay: the SET is taken, the outlet never reads off, exit 5', async () => {
    emu.device.faults.add('stuck-relay');
    const r = await stonith('private', '-T', 'off', 'node2');
    expect(r.code).toBe(5);
    expect(state(2)).toBe('ON');
  });

  it('the read community: reads work (-l) but -T is refused with exit 2 (S_ACCESS)', async () => {
    expect((await stonith('public', '-l')).stdout).toBe('node1\nnode2\noutlet 4\n');
    const r = await runOnTty(`${STONITH} -t apcmastersnmp ipaddr=${HOST} port=161 community=public -T off node2`);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('noSuchName');
    expect(state(2)).toBe('ON');
  });

  it('a wrong community gets no answer: configuration fails, exit 2', async () => {
    const r = await stonith('wrong', '-S');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Invalid config info for apcmastersnmp device');
  });
});
