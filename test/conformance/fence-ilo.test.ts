import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { IloModel } from '../../emulator/ilo/ilo-device.js';
import { peer, run } from '../helpers/run.js';
import { type RunningIlo, resetIlo, startIlo } from '../helpers/units.js';

/**
 * The real fence_ilo (fence-agents 4.12.1), through the real gnutls-cli
 * 3.7.9 under a pty, against the iLO emulator: an iLO 2 on a raw RIBCL TLS
 * port (`--tls`), an iLO 3 and an iLO 4 on a port that also speaks HTTP
 * (`--https`, sniffing). fence_ilo detects the board from GET_FW_VERSION and
 * picks its commands (ilo.md §2): HOLD_PWR_BTN TOGGLE="yes" for the iLO 2
 * (firmware 2.29), HOLD_PWR_BTN / PRESS_PWR_BTN for the others.
 * Addresses 127.0.0.160–169, port 0.
 */
const FENCE_ILO = '/usr/sbin/fence_ilo';
const GNUTLS_CLI = '/usr/bin/gnutls-cli';
const fenceIlo = peer(FENCE_ILO);
const gnutls = peer(GNUTLS_CLI);
const available = fenceIlo.available && gnutls.available;

type Board = RunningIlo;

function startBoard(
  model: IloModel,
  front: 'tls' | 'https',
  address: string,
  extra: Parameters<typeof startIlo>[1] = {},
): Promise<Board> {
  return startIlo(address, { model, ...(front === 'tls' ? { tls: 0 } : { https: 0 }), ...extra });
}

function fence(board: Board, action: string, password = 'pw') {
  return run(
    FENCE_ILO,
    ['-a', board.host, '-u', String(board.port), '-l', 'admin', '-p', password, '--ssl-insecure', '-o', action],
    {
      timeoutMs: 90_000,
    },
  );
}

/** The server's power changes since event index `from`, as "OFF ON". */
const changes = (board: Board, from: number) =>
  board.events
    .slice(from)
    .flatMap((e) => (e.type === 'plug' ? [e.state] : []))
    .join(' ');

const BOARDS: { model: IloModel; front: 'tls' | 'https'; address: string; look: string }[] = [
  { model: 'ilo2', front: 'tls', address: '127.0.0.160', look: 'raw RIBCL over TLS' },
  { model: 'ilo3', front: 'https', address: '127.0.0.161', look: 'RIBCL on a port that also speaks HTTP' },
  { model: 'ilo4', front: 'https', address: '127.0.0.162', look: 'RIBCL on a port that also speaks HTTP' },
];

describe.skipIf(!available).each(BOARDS)('fence_ilo against the $model emulator ($look)', (b) => {
  let board: Board;
  beforeAll(async () => {
    board = await startBoard(b.model, b.front, b.address);
  });
  afterAll(() => board?.emulator.stop());
  beforeEach(() => resetIlo(board));

  it('reads a server that is on: "Status: ON", exit 0, after a login', async () => {
    const r = await fence(board, 'status');
    expect(r.stdout).toBe('Status: ON\n');
    expect(r.code).toBe(0);
    expect(board.events.find((e) => e.type === 'login')).toMatchObject({
      origin: expect.stringMatching(/^ribcl 127\.0\.0\.1:\d+ admin$/),
    });
  });

  it('powers it off: "Success: Powered OFF", and the server is off', async () => {
    const from = board.events.length;
    const r = await fence(board, 'off');
    expect(r.stdout).toBe('Success: Powered OFF\n');
    expect(r.code).toBe(0);
    expect(board.emulator.device.power).toBe('OFF');
    expect(changes(board, from)).toBe('OFF');
  });

  it('reads a server that is off: "Status: OFF", exit 2', async () => {
    resetIlo(board, 'OFF');
    const r = await fence(board, 'status');
    expect(r.stdout).toBe('Status: OFF\n');
    expect(r.code).toBe(2);
  });

  it('powers it on: "Success: Powered ON"', async () => {
    resetIlo(board, 'OFF');
    const from = board.events.length;
    const r = await fence(board, 'on');
    expect(r.stdout).toBe('Success: Powered ON\n');
    expect(r.code).toBe(0);
    expect(board.emulator.device.power).toBe('ON');
    expect(changes(board, from)).toBe('ON');
  });

  it('reboots it: "Success: Rebooted", off then on', async () => {
    const from = board.events.length;
    const r = await fence(board, 'reboot');
    expect(r.stdout).toBe('Success: Rebooted\n');
    expect(r.code).toBe(0);
    expect(changes(board, from)).toBe('OFF ON');
  });

  it('fails on a wrong password: exit 1, "Unable to connect/login", nothing switched, no password logged', async () => {
    const from = board.events.length;
    const r = await fence(board, 'off', 'wrong');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Unable to connect/login to fencing device');
    expect(board.emulator.device.power).toBe('ON');
    expect(board.events.slice(from).filter((e) => e.type === 'login-failed')).toHaveLength(1);
    expect(JSON.stringify(board.events)).not.toMatch(/wrong|"pw"/);
  });
});

describe.skipIf(!available)('fence_ilo with its options on stdin (as pacemaker runs it)', () => {
  let board: Board;
  beforeAll(async () => {
    board = await startBoard('ilo3', 'https', '127.0.0.163');
  });
  afterAll(() => board?.emulator.stop());

  it('reads the status', async () => {
    const input = `ip=${board.host}\nipport=${board.port}\nusername=admin\npassword=pw\nssl_insecure=1\naction=status\n`;
    const r = await run(FENCE_ILO, [], { input, timeoutMs: 60_000 });
    expect(r.stdout).toBe('Status: ON\n');
    expect(r.code).toBe(0);
  });
});

describe.skipIf(!available).each([
  { model: 'ilo2' as const, front: 'tls' as const, address: '127.0.0.164' },
  { model: 'ilo3' as const, front: 'https' as const, address: '127.0.0.165' },
])('fence_ilo against a $model that takes 2 s to change state', (b) => {
  let board: Board;
  beforeAll(async () => {
    board = await startBoard(b.model, b.front, b.address, { transition: 2 });
  });
  afterAll(() => board?.emulator.stop());
  beforeEach(() => resetIlo(board));

  it('off is confirmed once the server has really gone off', async () => {
    const from = board.events.length;
    const r = await fence(board, 'off');
    expect(r.stdout).toBe('Success: Powered OFF\n');
    expect(r.code).toBe(0);
    expect(changes(board, from)).toBe('OFF');
  });

  it('reboot waits for off, then for on', async () => {
    resetIlo(board, 'OFF');
    const from = board.events.length;
    const r = await fence(board, 'on');
    expect(r.code).toBe(0);
    const r2 = await fence(board, 'reboot');
    expect(r2.stdout).toBe('Success: Rebooted\n');
    expect(r2.code).toBe(0);
    expect(changes(board, from)).toBe('ON OFF ON');
    expect(board.emulator.device.power).toBe('ON');
  });
});

describe.skipIf(!available)('fence_ilo against a board whose power is stuck', () => {
  let board: Board;
  beforeAll(async () => {
    board = await startBoard('ilo3', 'https', '127.0.0.166', { faults: ['stuck-power'] });
  });
  afterAll(() => board?.emulator.stop());

  it('does not claim success: the state never reads back off', async () => {
    const r = await fence(board, 'off');
    expect(r.code).not.toBe(0);
    expect(r.stdout).not.toContain('Success');
    expect(board.emulator.device.power).toBe('ON');
  }, 120_000);
});
