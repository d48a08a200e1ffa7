import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { IloFault } from '../../emulator/ilo/ilo-device.js';
import { peer, run } from '../helpers/run.js';
import { type RunningIlo, startIlo } from '../helpers/units.js';
import { waitFor } from '../helpers/wait.js';

/**
 * The real fence_ilo_ssh and fence_ilo_mp (fence-agents 4.12.1), over the real
 * OpenSSH 9.2 client (`-x`), against the iLO emulator's SSH front-end and its
 * SMASH CLP session. If it fails here, the emulator is wrong.
 * Addresses 127.0.0.186–189.
 *
 * - `-x` always: fence_ilo_ssh defaults to telnet (peers.md, gotcha 4).
 * - `--ssh-options` always: a fresh host key per start, no known_hosts.
 * - fence_ilo_ssh waits power_wait = 5 s after each on/off before it reads the
 *   state back, so a board whose transition is 2 s still reads back in time.
 */
const FENCE_ILO_SSH = '/usr/sbin/fence_ilo_ssh';
const FENCE_ILO_MP = '/usr/sbin/fence_ilo_mp';
const SSH = '/usr/bin/ssh';
const available = peer(FENCE_ILO_SSH).available && peer(SSH).available;

const SSH_OPTIONS = '-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null';
const PASSWORD = 'pw';

type Board = RunningIlo;

function startBoard(
  address: string,
  opts: { transition?: number; faults?: IloFault[]; hostName?: string } = {},
): Promise<Board> {
  return startIlo(address, {
    ssh: 0,
    password: PASSWORD,
    transition: opts.transition ?? 0,
    plugs: [{ number: 1, name: opts.hostName ?? 'node1', default: 'ON' }],
    faults: opts.faults ?? [],
  });
}

/**
 * Each test starts from a server that is on, with no command pending, so any
 * test passes alone (`-t`) as well as after the others.
 */
function resetBoard(board: Board): void {
  board.emulator.device.stop();
  board.emulator.device.load({ power: 'ON' });
}

function fence(board: Board, args: string[], opts: { agent?: string; password?: string } = {}): ReturnType<typeof run> {
  return run(
    opts.agent ?? FENCE_ILO_SSH,
    [
      '-x',
      '-a',
      board.host,
      '-u',
      String(board.port),
      '-l',
      'admin',
      '-p',
      opts.password ?? PASSWORD,
      `--ssh-options=${SSH_OPTIONS}`,
      ...args,
    ],
    { timeoutMs: 90_000 },
  );
}

/** The power changes since event index `from`, as "OFF ON". */
const changes = (board: Board, from: number) =>
  board.events
    .slice(from)
    .filter((e) => e.type === 'plug')
    .map((e) => (e.type === 'plug' ? e.state : ''))
    .join(' ');

/**
 * Every session opened since event index `from` has ended and freed its place
 * (logout events trail the client's exit a little). At least one must have been
 * opened, or the check proves nothing.
 */
async function sessionsEnded(board: Board, from: number): Promise<void> {
  const origins = (type: string) =>
    board.events.slice(from).flatMap((e) => (e.type === type && 'origin' in e ? [e.origin] : []));
  const opened = origins('login');
  expect(opened.length).toBeGreaterThan(0);
  const open = () => opened.filter((o) => !origins('logout').includes(o));
  await waitFor(() => open().length === 0, { what: 'a logout for every login' }).catch(() => {});
  expect(open()).toEqual([]);
  await waitFor(() => board.emulator.limit.inUse === 0, { what: 'every session place free' }).catch(() => {});
  expect(board.emulator.limit.inUse).toBe(0);
}

describe.skipIf(!available)('fence_ilo_ssh -x against the SMASH CLP emulator (iLO 4, instant power)', () => {
  let board: Board;
  beforeAll(async () => {
    board = await startBoard('127.0.0.186');
  });
  afterAll(() => board?.emulator.stop());
  beforeEach(() => resetBoard(board));

  it('reads a server that is on: "Status: ON", exit 0, in an SSH session of the user', async () => {
    const r = await fence(board, ['-o', 'status']);
    expect(r.stdout).toBe('Status: ON\n');
    expect(r.code).toBe(0);
    const login = board.events.find((e) => e.type === 'login');
    expect(login).toMatchObject({ origin: expect.stringMatching(/^ssh 127\.\d+\.\d+\.\d+:\d+ admin$/) });
  });

  it('says "Already ON" without touching a server that is on', async () => {
    const from = board.events.length;
    const r = await fence(board, ['-o', 'on']);
    expect(r.stdout).toBe('Success: Already ON\n');
    expect(r.code).toBe(0);
    expect(changes(board, from)).toBe('');
  });

  it('powers the server off ("power off hard"), and status then reads OFF, exit 2', async () => {
    const from = board.events.length;
    const off = await fence(board, ['-o', 'off']);
    expect(off.stdout).toBe('Success: Powered OFF\n');
    expect(off.code).toBe(0);
    expect(board.emulator.device.power).toBe('OFF');
    expect(changes(board, from)).toBe('OFF');
    const status = await fence(board, ['-o', 'status']);
    expect(status.stdout).toBe('Status: OFF\n');
    expect(status.code).toBe(2);
  });

  it('powers the server on ("start /system1")', async () => {
    board.emulator.device.load({ power: 'OFF' });
    const from = board.events.length;
    const r = await fence(board, ['-o', 'on']);
    expect(r.stdout).toBe('Success: Powered ON\n');
    expect(r.code).toBe(0);
    expect(board.emulator.device.power).toBe('ON');
    expect(changes(board, from)).toBe('ON');
  });

  it('reboots (default method onoff): the server goes off, then on again', async () => {
    const from = board.events.length;
    const r = await fence(board, ['-o', 'reboot']);
    expect(r.stdout).toBe('Success: Rebooted\n');
    expect(r.code).toBe(0);
    expect(changes(board, from)).toBe('OFF ON');
    expect(board.emulator.device.power).toBe('ON');
  });

  it('reboots with --method cycle ("reset /system1 hard"): off, then on again', async () => {
    const from = board.events.length;
    const r = await fence(board, ['-o', 'reboot', '--method', 'cycle']);
    expect(r.stdout).toBe('Success: Rebooted\n');
    expect(r.code).toBe(0);
    expect(changes(board, from)).toBe('OFF ON');
    expect(board.emulator.device.power).toBe('ON');
  });

  it('takes its options on stdin, as Pacemaker passes them', async () => {
    const input = [
      `ip=${board.host}`,
      `ipport=${board.port}`,
      'username=admin',
      `password=${PASSWORD}`,
      'ssh=1',
      `ssh_options=${SSH_OPTIONS}`,
      'action=status',
      '',
    ].join('\n');
    const r = await run(FENCE_ILO_SSH, [], { input, timeoutMs: 90_000 });
    expect(r.stdout).toBe('Status: ON\n');
    expect(r.code).toBe(0);
  });

  it('fails to log in with a wrong password, the server does not move, the password is never reported', async () => {
    const from = board.events.length;
    const r = await fence(board, ['-o', 'off'], { password: 'wrong-pw-8812' });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/Unable to connect\/login to fencing device/);
    expect(board.emulator.device.power).toBe('ON');
    const since = board.events.slice(from);
    expect(since.some((e) => e.type === 'login-failed')).toBe(true);
    expect(since.some((e) => e.type === 'login')).toBe(false);
    expect(JSON.stringify(board.events)).not.toContain('wrong-pw-8812');
    expect(JSON.stringify(board.events)).not.toContain(`"${PASSWORD}"`);
  });

  it('every session it opened has ended and freed its place', async () => {
    const from = board.events.length;
    expect((await fence(board, ['-o', 'status'])).code).toBe(0);
    expect((await fence(board, ['-o', 'off'], { password: 'wrong-pw-8812' })).code).toBe(1);
    await sessionsEnded(board, from);
  });
});

describe.skipIf(!available)('fence_ilo_ssh -x against a board whose power takes 2 s to change', () => {
  let board: Board;
  beforeAll(async () => {
    board = await startBoard('127.0.0.187', { transition: 2 });
  });
  afterAll(() => board?.emulator.stop());
  beforeEach(() => resetBoard(board));

  it('off: within power_wait (5 s) the state reads back OFF', async () => {
    const from = board.events.length;
    const r = await fence(board, ['-o', 'off']);
    expect(r.stdout).toBe('Success: Powered OFF\n');
    expect(r.code).toBe(0);
    expect(board.emulator.device.power).toBe('OFF');
    expect(changes(board, from)).toBe('OFF');
  });

  it('on: the state reads back ON', async () => {
    board.emulator.device.load({ power: 'OFF' });
    const r = await fence(board, ['-o', 'on']);
    expect(r.stdout).toBe('Success: Powered ON\n');
    expect(r.code).toBe(0);
    expect(board.emulator.device.power).toBe('ON');
  });

  it('reboot (onoff): off, then on', async () => {
    const from = board.events.length;
    const r = await fence(board, ['-o', 'reboot']);
    expect(r.stdout).toBe('Success: Rebooted\n');
    expect(r.code).toBe(0);
    expect(changes(board, from)).toBe('OFF ON');
    expect(board.emulator.device.power).toBe('ON');
  });

  it('reboot --method cycle: the reset is acknowledged at once, off and on follow within power_wait', async () => {
    const from = board.events.length;
    const r = await fence(board, ['-o', 'reboot', '--method', 'cycle']);
    expect(r.stdout).toBe('Success: Rebooted\n');
    expect(r.code).toBe(0);
    expect(changes(board, from)).toBe('OFF ON');
    expect(board.emulator.device.power).toBe('ON');
  });

  it('every session it opened has ended and freed its place', async () => {
    const from = board.events.length;
    expect((await fence(board, ['-o', 'reboot'])).code).toBe(0);
    await sessionsEnded(board, from);
  });
});

describe.skipIf(!available)('fence_ilo_mp -x against the SMASH CLP emulator', () => {
  let board: Board;
  beforeAll(async () => {
    board = await startBoard('127.0.0.188');
  });
  afterAll(() => board?.emulator.stop());
  beforeEach(() => resetBoard(board));

  it('reads a server that is on: "Status: ON", exit 0', async () => {
    const r = await fence(board, ['-o', 'status'], { agent: FENCE_ILO_MP });
    expect(r.stdout).toBe('Status: ON\n');
    expect(r.code).toBe(0);
  });

  it('powers the server off ("stop -f /system1"), and status then reads OFF, exit 2', async () => {
    const from = board.events.length;
    const off = await fence(board, ['-o', 'off'], { agent: FENCE_ILO_MP });
    expect(off.stdout).toBe('Success: Powered OFF\n');
    expect(off.code).toBe(0);
    expect(changes(board, from)).toBe('OFF');
    const status = await fence(board, ['-o', 'status'], { agent: FENCE_ILO_MP });
    expect(status.stdout).toBe('Status: OFF\n');
    expect(status.code).toBe(2);
  });

  it('every session it opened has ended and freed its place', async () => {
    const from = board.events.length;
    expect((await fence(board, ['-o', 'status'], { agent: FENCE_ILO_MP })).code).toBe(0);
    await sessionsEnded(board, from);
  });
});

describe.skipIf(!available)('fence_ilo_ssh -x against faulty boards', () => {
  const boards: Board[] = [];
  afterAll(() => Promise.all(boards.map((b) => b.emulator.stop())));

  it('stuck-power: off is acknowledged but never reads back, and the agent says so', async () => {
    const board = await startBoard('127.0.0.189', { faults: ['stuck-power'] });
    boards.push(board);
    // power_timeout 2 s instead of 20: the agent gives up after power_wait and two polls.
    const r = await fence(board, ['-o', 'off', '--power-timeout', '2']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/Timed out waiting to power OFF/);
    expect(board.emulator.device.power).toBe('ON');
    expect(changes(board, 0)).toBe('');
  });

  it('a long host name does not make an "on" server read as off', async () => {
    // fence_ilo_ssh reads 100 bytes at a time and matches EnabledState=(.*) after each
    // read. With this name's length, a reply written in one piece was often cut inside
    // "enabledstate=enabled" (4 of these 6 reads came back OFF), so the session now
    // writes that line on its own after a pause (smash-session.ts).
    const board = await startBoard('127.0.0.189', { hostName: 'abcdefghijklmnopqrstuvwxyz0123456' });
    boards.push(board);
    const results: string[] = [];
    for (let i = 0; i < 6; i++) {
      const r = await fence(board, ['-o', 'status']);
      results.push(`${r.stdout.trim()} ${r.code}`);
    }
    expect(results).toEqual(Array(6).fill('Status: ON 0'));
  });

  it('drop-after-login: the agent cannot reach the prompt and fails to log in', async () => {
    const board = await startBoard('127.0.0.189', { faults: ['drop-after-login'] });
    boards.push(board);
    const r = await fence(board, ['-o', 'status']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/Unable to connect\/login to fencing device/);
    expect(board.events.some((e) => e.type === 'login')).toBe(true);
  });
});
