import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ApcFirmware, ApcRole } from '../../emulator/apc/apc-device.js';
import { peer, run } from '../helpers/run.js';
import { type RunningApc, resetApc, startApc as startUnit } from '../helpers/units.js';

/**
 * The real fence_apc (fence-agents 4.12.1) over telnet against the emulator:
 * the keystroke menu (AOS v2.7, as an Outlet User and as an Administrator)
 * and the `apc>` command line (AOS v6.4), which fence_apc tells apart by the
 * banner's firmware version. If it fails here, the emulator is wrong.
 * Addresses 127.0.0.100–109 (see test/helpers/ADDRESSES.md).
 */
const FENCE_APC = '/usr/sbin/fence_apc';
// fence_apc drives /usr/bin/telnet, which fence-agents does not pull in.
const available = peer(FENCE_APC).available && peer('/usr/bin/telnet').available;

type Running = RunningApc;

function startApc(listen: string, firmware: ApcFirmware, role: ApcRole): Promise<Running> {
  return startUnit(listen.split(':')[0] ?? '', {
    telnet: 0,
    firmware,
    username: 'fencer',
    password: 'pw-9d3',
    role,
    bootDelay: 1,
    plugs: [
      { number: 1, name: 'node1' },
      { number: 2, name: 'node2', default: 'OFF' },
      { number: 3, name: 'web1' },
    ],
  });
}

const plugChanges = (r: Running, from: number, plug: number) =>
  r.events
    .slice(from)
    .filter((e) => e.type === 'plug' && e.plug === plug)
    .map((e) => (e.type === 'plug' ? e.state : ''));

/** The same behaviour is asked of every personality fence_apc can meet over telnet. */
function fenceApcSuite(
  title: string,
  listen: string,
  firmware: ApcFirmware,
  role: ApcRole,
  listState: { on: string; off: string },
) {
  describe.skipIf(!available)(title, () => {
    let apc: Running;
    const fence = (...args: string[]) =>
      run(FENCE_APC, ['-a', apc.host, '-u', String(apc.port), '-l', 'fencer', '-p', 'pw-9d3', ...args], {
        timeoutMs: 60_000,
      });
    const state = (n: number) => apc.emulator.device.bank.get(n)?.state;

    beforeAll(async () => {
      apc = await startApc(listen, firmware, role);
    });
    afterAll(() => apc.emulator.stop());
    // As configured: outlet 2 off, every other one on.
    beforeEach(() => resetApc(apc, [2]));

    it('status of an outlet that is on: "Status: ON", exit 0', async () => {
      const r = await fence('-n', '1', '-o', 'status');
      expect(r.stdout).toBe('Status: ON\n');
      expect(r.code).toBe(0);
    });

    it('status of an outlet that is off: "Status: OFF", exit 2', async () => {
      const r = await fence('-n', '2', '-o', 'status');
      expect(r.stdout).toBe('Status: OFF\n');
      expect(r.code).toBe(2);
    });

    it('on: the outlet is switched on and read back', async () => {
      const from = apc.events.length;
      const r = await fence('-n', '2', '-o', 'on');
      expect(r.stdout).toBe('Success: Powered ON\n');
      expect(r.code).toBe(0);
      expect(state(2)).toBe('ON');
      expect(plugChanges(apc, from, 2)).toEqual(['ON']);
    });

    it('off: the outlet is switched off and read back', async () => {
      const r = await fence('-n', '3', '-o', 'off');
      expect(r.stdout).toBe('Success: Powered OFF\n');
      expect(r.code).toBe(0);
      expect(state(3)).toBe('OFF');
    });

    it('reboot: the outlet goes off, then on', async () => {
      const from = apc.events.length;
      const r = await fence('-n', '1', '-o', 'reboot');
      expect(r.stdout).toBe('Success: Rebooted\n');
      expect(r.code).toBe(0);
      expect(plugChanges(apc, from, 1)).toEqual(['OFF', 'ON']);
      expect(state(1)).toBe('ON');
    });

    it('list: every outlet with its name, unnamed ones as "Outlet N"', async () => {
      const r = await fence('-o', 'list');
      expect(r.code).toBe(0);
      const lines = r.stdout.trim().split('\n');
      expect(lines).toHaveLength(24);
      expect(lines.slice(0, 4)).toEqual(['1,node1', '2,node2', '3,web1', '4,Outlet 4']);
      expect(r.stdout).not.toMatch(/ALL Accessible|Master Control/);
    });

    it('list-status: every outlet with its state', async () => {
      resetApc(apc, [3]);
      const r = await fence('-o', 'list-status');
      expect(r.code).toBe(0);
      const lines = r.stdout.trim().split('\n');
      expect(lines).toHaveLength(24);
      expect(lines.slice(0, 3)).toEqual([
        `1,node1,${listState.on}`,
        `2,node2,${listState.on}`,
        `3,web1,${listState.off}`,
      ]);
    });

    it('an outlet that does not exist fails, and nothing is switched', async () => {
      const from = apc.events.length;
      const status = await fence('-n', '99', '-o', 'status');
      expect(status.code).toBe(1);
      expect(status.stderr).toContain('Failed');
      const off = await fence('-n', '99', '-o', 'off');
      expect(off.code).not.toBe(0);
      expect(apc.events.slice(from).filter((e) => e.type === 'plug')).toEqual([]);
    });

    it('a wrong password fails, is reported, and switches nothing', async () => {
      const from = apc.events.length;
      const r = await run(
        FENCE_APC,
        ['-a', apc.host, '-u', String(apc.port), '-l', 'fencer', '-p', 'wrong', '-n', '1', '-o', 'off'],
        {
          timeoutMs: 60_000,
        },
      );
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('Unable to connect/login to fencing device');
      expect(state(1)).toBe('ON');
      const kinds = apc.events.slice(from).map((e) => e.type);
      expect(kinds).toContain('login-failed');
      expect(kinds).not.toContain('login');
      expect(kinds).not.toContain('plug');
    });
  });
}

fenceApcSuite('fence_apc over telnet: Rack PDU menu, AOS v2.7, Outlet User', '127.0.0.100:0', '2.7', 'outlet', {
  on: 'ON',
  off: 'OFF',
});
fenceApcSuite('fence_apc over telnet: Rack PDU menu, AOS v2.7, Administrator', '127.0.0.101:0', '2.7', 'admin', {
  on: 'ON',
  off: 'OFF',
});
fenceApcSuite('fence_apc over telnet: apc> command line, AOS v6.4', '127.0.0.102:0', '6.4', 'admin', {
  on: 'On',
  off: 'Off',
});
