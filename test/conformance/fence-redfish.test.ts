import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { EmulatorEvent } from '../../emulator/events.js';
import type { IloModel } from '../../emulator/ilo/ilo-device.js';
import type { IloEmulator } from '../../emulator/ilo-emulator.js';
import { peer, run } from '../helpers/run.js';
import { startIlo } from '../helpers/units.js';

/**
 * The real fence_redfish (fence-agents 4.12.1, python3-requests) against the
 * emulated iLO 4 and iLO 5: IloEmulator's `https` port (TLS with its own
 * self-signed certificate, so `--ssl-insecure`), sniffed as HTTP and handed
 * to the Redfish service. If it fails here, the emulator is wrong.
 * Address 127.0.0.185 (every board, each on a port of its own: port 0).
 */
const FENCE_REDFISH = '/usr/sbin/fence_redfish';
const { available } = peer(FENCE_REDFISH);

interface Board {
  emu: IloEmulator;
  events: EmulatorEvent[];
  port: number;
}

async function startBoard(model: IloModel, host: string, transition = 0): Promise<Board> {
  const board = await startIlo(host, { model, https: 0, transition });
  // Events without their time, so whole events can be compared.
  const events: EmulatorEvent[] = [];
  board.bus.subscribe(({ time: _time, ...e }) => events.push(e as EmulatorEvent));
  return { emu: board.emulator, events, port: board.port };
}

const plugStates = (events: EmulatorEvent[], from = 0) =>
  events.slice(from).flatMap((e) => (e.type === 'plug' ? [e.state] : []));

describe.skipIf(!available)('fence_redfish against the emulated iLO Redfish service', () => {
  const fence = (host: string, board: Board, ...args: string[]) =>
    run(FENCE_REDFISH, ['-a', host, '-u', String(board.port), '-l', 'admin', '--ssl-insecure', ...args], {
      timeoutMs: 60_000,
    });

  describe.each([
    ['ilo4', '127.0.0.185'],
    ['ilo5', '127.0.0.185'],
  ] as const)('%s', (model, host) => {
    let board: Board;
    beforeAll(async () => {
      board = await startBoard(model, host);
    });
    afterAll(() => board.emu.stop());
    beforeEach(() => {
      board.emu.device.power = 'ON';
      board.events.length = 0;
    });

    it('status of a server that is on: "Status: ON", exit 0', async () => {
      const r = await fence(host, board, '-p', 'pw', '-o', 'status');
      expect(r.stdout).toBe('Status: ON\n');
      expect(r.code).toBe(0);
    });

    it('status of a server that is off: "Status: OFF", exit 2', async () => {
      board.emu.device.power = 'OFF';
      const r = await fence(host, board, '-p', 'pw', '-o', 'status');
      expect(r.stdout).toBe('Status: OFF\n');
      expect(r.code).toBe(2);
    });

    it('off, then on, and the state reads back each time', async () => {
      const off = await fence(host, board, '-p', 'pw', '-o', 'off');
      expect(off.stdout).toBe('Success: Powered OFF\n');
      expect(off.code).toBe(0);
      expect(board.emu.device.power).toBe('OFF');
      const on = await fence(host, board, '-p', 'pw', '-o', 'on');
      expect(on.stdout).toBe('Success: Powered ON\n');
      expect(on.code).toBe(0);
      expect(board.emu.device.power).toBe('ON');
      expect(plugStates(board.events)).toEqual(['OFF', 'ON']);
    });

    it('off when already off: "Success: Already OFF", nothing sent', async () => {
      board.emu.device.power = 'OFF';
      const r = await fence(host, board, '-p', 'pw', '-o', 'off');
      expect(r.stdout).toBe('Success: Already OFF\n');
      expect(r.code).toBe(0);
      expect(plugStates(board.events)).toEqual([]);
    });

    it('reboot: ForceOff, then On; the server goes off and comes back', async () => {
      const r = await fence(host, board, '-p', 'pw', '-o', 'reboot');
      expect(r.stdout).toBe('Success: Rebooted\n');
      expect(r.code).toBe(0);
      expect(plugStates(board.events)).toEqual(['OFF', 'ON']);
      expect(board.emu.device.power).toBe('ON');
    });

    it('diag sends Nmi: accepted, the power does not change', async () => {
      const r = await fence(host, board, '-p', 'pw', '-o', 'diag');
      expect(r.code).toBe(0);
      expect(plugStates(board.events)).toEqual([]);
      expect(board.emu.device.power).toBe('ON');
    });

    it('a wrong password fails with exit 1, the board reports login-failed and stays on', async () => {
      const r = await fence(host, board, '-p', 'wrong', '-o', 'off');
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      // The root is open; the 401 body of the Systems collection has no Members.
      expect(r.stderr).toContain("KeyError: 'Members'");
      expect(board.emu.device.power).toBe('ON');
      expect(board.events.filter((e) => e.type === 'login-failed')).not.toHaveLength(0);
      expect(board.events.filter((e) => e.type === 'login')).toEqual([]);
      expect(JSON.stringify(board.events)).not.toContain('wrong');
    });

    it('the logins are reported with the client address and user, never the password', async () => {
      await fence(host, board, '-p', 'pw', '-o', 'status');
      const logins = board.events.filter((e) => e.type === 'login');
      expect(logins.length).toBeGreaterThan(0);
      for (const e of logins)
        expect(e).toEqual({
          type: 'login',
          mode: 'admin',
          origin: expect.stringMatching(/^redfish 127\.0\.0\.1:\d+ admin$/),
          user: 'admin',
        });
      expect(JSON.stringify(board.events)).not.toContain('"pw"');
    });
  });

  describe('a board that takes 2 s to change state (ilo5)', () => {
    const host = '127.0.0.185';
    let board: Board;
    beforeAll(async () => {
      board = await startBoard('ilo5', host, 2);
    });
    afterAll(() => board.emu.stop());
    beforeEach(() => {
      board.emu.device.power = 'ON';
      board.events.length = 0;
    });

    it('off is confirmed once PowerState reads Off', async () => {
      const r = await fence(host, board, '-p', 'pw', '-o', 'off');
      expect(r.stdout).toBe('Success: Powered OFF\n');
      expect(r.code).toBe(0);
      expect(board.emu.device.power).toBe('OFF');
    });

    // fence_redfish reads every PowerState but "Off" as on, PoweringOn included: it
    // reports the reboot done while the board is still powering the server on, as it
    // would against a real board. The server then reaches On by itself.
    it('reboot waits for off, then reports success as soon as the board says PoweringOn', async () => {
      const r = await fence(host, board, '-p', 'pw', '-o', 'reboot');
      expect(r.stdout).toBe('Success: Rebooted\n');
      expect(r.code).toBe(0);
      expect(plugStates(board.events)[0]).toBe('OFF');
      expect(board.emu.device.target).toBe('ON');
      await vi.waitFor(() => expect(board.emu.device.power).toBe('ON'), { timeout: 10_000, interval: 50 });
      expect(plugStates(board.events)).toEqual(['OFF', 'ON']);
    });
  });
});
