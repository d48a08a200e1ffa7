import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { IloFault } from '../../emulator/ilo/ilo-device.js';
import { peer, type RunResult, run } from '../helpers/run.js';
import { type RunningIlo, resetIlo, startIlo } from '../helpers/units.js';

/**
 * The lab's fault vocabulary on an emulated iLO 4, judged by the real
 * clients (fence-agents 4.12.1): fence_ilo (RIBCL through gnutls-cli),
 * fence_redfish (python3-requests) and fence_ilo_ssh -x (SMASH CLP over
 * OpenSSH). Each fault is switched on in the running board, as the lab does:
 * the client must fail as the fault says; switched off again, the same board
 * fences. Short client timeouts make a failure come in seconds.
 * Addresses 127.0.10.1–3, port 0.
 *
 * fence_redfish gives its HTTP requests no timeout: against a board that
 * hangs it waits for ever, so that case runs it under a deadline of its own
 * (as Pacemaker's fencer would) and checks it never got an answer.
 */
const FENCE_ILO = '/usr/sbin/fence_ilo';
const FENCE_REDFISH = '/usr/sbin/fence_redfish';
const FENCE_ILO_SSH = '/usr/sbin/fence_ilo_ssh';
const GNUTLS_CLI = '/usr/bin/gnutls-cli';
const SSH = '/usr/bin/ssh';

/** What must fail while on (and pass once off), with every client. */
const FAILING: IloFault[] = ['busy', 'hang', 'hang-after-login', 'drop-after-login', 'refuse-login', 'garbled'];
/** Faults that leave a request unanswered: fence_redfish, which sets no timeout, waits until it is killed. */
const SILENT: IloFault[] = ['hang', 'hang-after-login'];
const QUICK = ['--login-timeout', '2', '--shell-timeout', '2', '--power-timeout', '2'];

interface Client {
  name: string;
  available: boolean;
  address: string;
  front: 'https' | 'ssh';
  /** How the client says it failed, by fault (the default: `fails`). */
  says: Partial<Record<IloFault | 'fails', RegExp>>;
  run(board: RunningIlo, action: string, opts?: { timeoutMs?: number }): Promise<RunResult>;
}

const CLIENTS: Client[] = [
  {
    name: 'fence_ilo',
    available: peer(FENCE_ILO).available && peer(GNUTLS_CLI).available,
    address: '127.0.10.1',
    front: 'https',
    says: { fails: /Unable to connect\/login to fencing device/ },
    run: (b, action, opts) =>
      run(
        FENCE_ILO,
        ['-a', b.host, '-u', String(b.port), '-l', 'admin', '-p', 'pw', '--ssl-insecure', ...QUICK, '-o', action],
        { timeoutMs: opts?.timeoutMs ?? 60_000 },
      ),
  },
  {
    name: 'fence_redfish',
    available: peer(FENCE_REDFISH).available,
    address: '127.0.10.2',
    front: 'https',
    // The root needs no login; the Systems collection answered 503 or 401 has no Members.
    says: {
      busy: /KeyError: 'Members'/,
      'refuse-login': /KeyError: 'Members'/,
      garbled: /Failed: send_get_request: Expecting value/,
      'drop-after-login': /Failed: send_get_request: .*Remote end closed connection without response/,
    },
    run: (b, action, opts) =>
      run(
        FENCE_REDFISH,
        ['-a', b.host, '-u', String(b.port), '-l', 'admin', '-p', 'pw', '--ssl-insecure', ...QUICK, '-o', action],
        { timeoutMs: opts?.timeoutMs ?? 60_000 },
      ),
  },
  {
    name: 'fence_ilo_ssh',
    available: peer(FENCE_ILO_SSH).available && peer(SSH).available,
    address: '127.0.10.3',
    front: 'ssh',
    says: { fails: /Unable to connect\/login to fencing device/ },
    run: (b, action, opts) =>
      run(
        FENCE_ILO_SSH,
        [
          '-x',
          '-a',
          b.host,
          '-u',
          String(b.port),
          '-l',
          'admin',
          '-p',
          'pw',
          '--ssh-options=-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null',
          ...QUICK,
          '-o',
          action,
        ],
        { timeoutMs: opts?.timeoutMs ?? 60_000 },
      ),
  },
];

describe.each(CLIENTS)('$name against an iLO 4 whose faults are switched while it runs', (client) => {
  let board: RunningIlo;
  beforeAll(async () => {
    if (!client.available) return;
    board = await startIlo(client.address, { model: 'ilo4', [client.front]: 0 });
  });
  afterAll(() => board?.emulator.stop());
  beforeEach(() => {
    if (board) resetIlo(board);
  });

  /** Whatever the fault, once it is cleared the same board is fenced: off reads back off. */
  async function passesOnceCleared(fault: IloFault): Promise<void> {
    board.emulator.device.faults.delete(fault);
    const r = await client.run(board, 'off');
    expect(r.stdout).toBe('Success: Powered OFF\n');
    expect(r.code).toBe(0);
    expect(board.emulator.device.power).toBe('OFF');
  }

  it.skipIf(!client.available).each(FAILING)(
    '%s: the client fails and nothing moves; cleared, it fences',
    async (fault) => {
      const from = board.events.length;
      board.emulator.device.faults.add(fault);
      // A hung board never answers fence_redfish: its own deadline ends it.
      const silent = SILENT.includes(fault) && client.name === 'fence_redfish';
      const r = await client.run(board, 'off', silent ? { timeoutMs: 6_000 } : {});
      if (silent) expect(r.signal).toBe('SIGKILL');
      else {
        expect(r.code).toBe(1);
        expect(r.stderr).toMatch(client.says[fault] ?? client.says.fails ?? /never/);
      }
      expect(r.stdout).not.toContain('Success');
      expect(board.emulator.device.power).toBe('ON');
      const since = board.events.slice(from);
      expect(since.filter((e) => e.type === 'plug' || e.type === 'switch-ignored')).toEqual([]);
      if (fault === 'busy') expect(since.some((e) => e.type === 'refused')).toBe(true);
      if (fault === 'refuse-login') {
        expect(since.some((e) => e.type === 'login-failed')).toBe(true);
        expect(since.some((e) => e.type === 'login')).toBe(false);
      }
      if (fault === 'hang' && client.front === 'https') expect(since.some((e) => e.type === 'login')).toBe(false);
      await passesOnceCleared(fault);
    },
  );

  it.skipIf(!client.available)(
    'stuck-relay: off is acknowledged and never reads back; each ignored command is reported with the user; cleared, it fences',
    async () => {
      const from = board.events.length;
      board.emulator.device.faults.add('stuck-relay');
      const r = await client.run(board, 'off');
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/Timed out waiting to power OFF/);
      expect(r.stdout).not.toContain('Success');
      expect(board.emulator.device.power).toBe('ON');
      const since = board.events.slice(from);
      expect(since.filter((e) => e.type === 'plug')).toEqual([]);
      const ignored = since.filter((e) => e.type === 'switch-ignored');
      expect(ignored.length).toBeGreaterThan(0);
      for (const e of ignored) expect(e).toMatchObject({ plug: 1, requested: 'OFF', user: 'admin' });
      await passesOnceCleared('stuck-relay');
    },
  );

  it.skipIf(!client.available)('stuck-power, the older name, is the same fault', async () => {
    board.emulator.device.faults.add('stuck-power');
    expect([...board.emulator.device.faults]).toEqual(['stuck-relay']);
    const r = await client.run(board, 'off');
    expect(r.code).not.toBe(0);
    expect(board.emulator.device.power).toBe('ON');
    await passesOnceCleared('stuck-power');
  });
});
