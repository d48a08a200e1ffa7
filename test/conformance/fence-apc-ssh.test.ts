import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ApcFirmware } from '../../emulator/apc/apc-device.js';
import { peer, run } from '../helpers/run.js';
import { type RunningApc, resetApc, startApc } from '../helpers/units.js';
import { waitFor } from '../helpers/wait.js';

/**
 * The real fence_apc (fence-agents 4.12.1) over SSH (`-x`, through the real
 * OpenSSH 9.2 client) against the APC emulator's SSH front-end, for the v2.7
 * menu and the v6.4 `apc>` CLI. If it fails here, the emulator is wrong.
 * Addresses 127.0.0.125–129.
 *
 * `--ssh-options` is always given: fence_apc's default (`-1 -c blowfish`) makes
 * OpenSSH 9 refuse to start (peers.md, gotcha 2).
 */
const FENCE_APC = '/usr/sbin/fence_apc';
const SSH = '/usr/bin/ssh';
const fenceApc = peer(FENCE_APC);
const ssh = peer(SSH);
const available = fenceApc.available && ssh.available;

const SSH_OPTIONS = '-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null';

const PLUGS = [
  { number: 1, name: 'node1' },
  { number: 2, name: 'node2', default: 'OFF' as const },
  { number: 5, name: 'web' },
];

type Unit = RunningApc;

function startUnit(address: string, firmware: ApcFirmware, extra: { state?: string } = {}): Promise<Unit> {
  return startApc(address, { ssh: 0, firmware, plugs: PLUGS, ...extra });
}

function fence(unit: Unit, args: string[], opts: { password?: string; sshOptions?: string } = {}) {
  return run(
    FENCE_APC,
    [
      '-x',
      '-a',
      unit.host,
      '-u',
      String(unit.port),
      '-l',
      'apc',
      '-p',
      opts.password ?? 'apc',
      `--ssh-options=${opts.sshOptions ?? SSH_OPTIONS}`,
      ...args,
    ],
    { timeoutMs: 60_000 },
  );
}

const state = (unit: Unit, plug: number) => unit.emulator.device.bank.get(plug)?.state;

/** The plug changes since event index `from`, as "OFF ON". */
const changes = (unit: Unit, plug: number, from: number) =>
  unit.events
    .slice(from)
    .filter((e) => e.type === 'plug' && e.plug === plug)
    .map((e) => (e.type === 'plug' ? e.state : ''))
    .join(' ');

const FIRMWARES: { firmware: ApcFirmware; address: string; look: string; on: string; off: string }[] = [
  { firmware: '2.7', address: '127.0.0.125', look: 'menu', on: 'ON', off: 'OFF' },
  { firmware: '6.4', address: '127.0.0.126', look: 'apc> CLI', on: 'On', off: 'Off' },
];

describe.skipIf(!available).each(FIRMWARES)(
  'fence_apc -x against the APC emulator, firmware $firmware ($look)',
  (fw) => {
    let unit: Unit;
    beforeAll(async () => {
      unit = await startUnit(fw.address, fw.firmware);
    });
    afterAll(() => unit?.emulator.stop());
    // As configured: outlet 2 off, every other one on.
    beforeEach(() => resetApc(unit, [2]));

    it('reads an outlet that is on: "Status: ON", exit 0, in an SSH session', async () => {
      const r = await fence(unit, ['-n', '1', '-o', 'status']);
      expect(r.stdout).toBe('Status: ON\n');
      expect(r.code).toBe(0);
      const login = unit.events.find((e) => e.type === 'login');
      expect(login).toMatchObject({ origin: expect.stringMatching(/^ssh 127\.\d+\.\d+\.\d+:\d+ apc$/) });
    });

    it('reads an outlet that is off: "Status: OFF", exit 2', async () => {
      const r = await fence(unit, ['-n', '2', '-o', 'status']);
      expect(r.stdout).toBe('Status: OFF\n');
      expect(r.code).toBe(2);
    });

    it('powers an outlet off, and status then reads OFF', async () => {
      const off = await fence(unit, ['-n', '5', '-o', 'off']);
      expect(off.stdout).toBe('Success: Powered OFF\n');
      expect(off.code).toBe(0);
      expect(state(unit, 5)).toBe('OFF');
      const status = await fence(unit, ['-n', '5', '-o', 'status']);
      expect(status.stdout).toBe('Status: OFF\n');
      expect(status.code).toBe(2);
    });

    it('powers an outlet on', async () => {
      resetApc(unit, [2, 5]);
      const r = await fence(unit, ['-n', '5', '-o', 'on']);
      expect(r.stdout).toBe('Success: Powered ON\n');
      expect(r.code).toBe(0);
      expect(state(unit, 5)).toBe('ON');
    });

    it('says "Already ON" without switching an outlet that is on', async () => {
      const from = unit.events.length;
      const r = await fence(unit, ['-n', '1', '-o', 'on']);
      expect(r.stdout).toBe('Success: Already ON\n');
      expect(r.code).toBe(0);
      expect(changes(unit, 1, from)).toBe('');
    });

    it('reboots an outlet: it goes off, then on again', async () => {
      const from = unit.events.length;
      const r = await fence(unit, ['-n', '1', '-o', 'reboot']);
      expect(r.stdout).toBe('Success: Rebooted\n');
      expect(r.code).toBe(0);
      expect(changes(unit, 1, from)).toBe('OFF ON');
      expect(state(unit, 1)).toBe('ON');
    });

    it('lists every outlet with its name', async () => {
      const r = await fence(unit, ['-o', 'list']);
      expect(r.code).toBe(0);
      const lines = r.stdout.trim().split('\n');
      expect(lines).toHaveLength(24);
      expect(lines).toContain('1,node1');
      expect(lines).toContain('2,node2');
      expect(lines).toContain('5,web');
    });

    it("lists outlets with their states, in the firmware's own case", async () => {
      const r = await fence(unit, ['-o', 'list-status']);
      expect(r.code).toBe(0);
      const lines = r.stdout.trim().split('\n');
      expect(lines).toContain(`1,node1,${fw.on}`);
      expect(lines).toContain(`2,node2,${fw.off}`);
    });

    it('takes its options on stdin, as Pacemaker passes them', async () => {
      const input = [
        `ip=${unit.host}`,
        `ipport=${unit.port}`,
        'username=apc',
        'password=apc',
        'ssh=1',
        `ssh_options=${SSH_OPTIONS}`,
        'plug=2',
        'action=status',
        '',
      ].join('\n');
      const r = await run(FENCE_APC, [], { input, timeoutMs: 60_000 });
      expect(r.stdout).toBe('Status: OFF\n');
      expect(r.code).toBe(2);
    });

    it('fails to log in with a wrong password, and no outlet moves', async () => {
      const before = unit.emulator.device.bank
        .all()
        .map((o) => o.state)
        .join(' ');
      const from = unit.events.length;
      const r = await fence(unit, ['-n', '1', '-o', 'off'], { password: 'wrong-pw-555' });
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/Unable to connect\/login to fencing device/);
      expect(
        unit.emulator.device.bank
          .all()
          .map((o) => o.state)
          .join(' '),
      ).toBe(before);
      const since = unit.events.slice(from);
      expect(since.some((e) => e.type === 'login-failed')).toBe(true);
      expect(since.some((e) => e.type === 'login')).toBe(false);
      expect(JSON.stringify(unit.events)).not.toContain('wrong-pw-555');
    });

    it('every session it opened has ended and freed its place', async () => {
      const from = unit.events.length;
      expect((await fence(unit, ['-n', '1', '-o', 'status'])).code).toBe(0);
      expect((await fence(unit, ['-n', '1', '-o', 'off'], { password: 'wrong-pw-555' })).code).toBe(1);
      const origins = (type: string) =>
        unit.events.slice(from).flatMap((e) => (e.type === type && 'origin' in e ? [e.origin] : []));
      const opened = origins('login');
      expect(opened).toHaveLength(1);
      const open = () => opened.filter((o) => !origins('logout').includes(o));
      await waitFor(() => open().length === 0 && unit.emulator.limit.inUse === 0, {
        what: 'every session ended',
      }).catch(() => {});
      expect(open()).toEqual([]);
      expect(unit.emulator.limit.inUse).toBe(0);
    });
  },
);

describe.skipIf(!available)('fence_apc -x with strict host key checking across emulator restarts', () => {
  let tmp: string;
  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'fencekit-apc-ssh-'));
  });
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('keeps its host key beside the state file, so a known_hosts entry stays good', async () => {
    const stateFile = path.join(tmp, 'pdu.json');
    const knownHosts = path.join(tmp, 'known_hosts');
    const strict = `-o StrictHostKeyChecking=yes -o UserKnownHostsFile=${knownHosts} -o HostKeyAlias=pdu-bar`;

    const first = await startUnit('127.0.0.127', '2.7', { state: stateFile });
    try {
      const key = first.emulator.ssh?.hostPublicKey;
      expect(fs.statSync(`${stateFile}.ssh-host-key`).mode & 0o777).toBe(0o600);
      fs.writeFileSync(knownHosts, `pdu-bar ${key}\n`);
      const r = await fence(first, ['-n', '1', '-o', 'off'], { sshOptions: strict });
      expect(r.stdout).toBe('Success: Powered OFF\n');
    } finally {
      await first.emulator.stop();
    }

    const second = await startUnit('127.0.0.127', '2.7', { state: stateFile });
    try {
      const r = await fence(second, ['-n', '1', '-o', 'status'], { sshOptions: strict });
      expect(r.stdout).toBe('Status: OFF\n');
      expect(r.code).toBe(2);
    } finally {
      await second.emulator.stop();
    }
  });

  it('a key that does not match known_hosts makes fence_apc fail, and no outlet moves', async () => {
    const knownHosts = path.join(tmp, 'known_hosts_other');
    const other = await startUnit('127.0.0.128', '6.4');
    const unit = await startUnit('127.0.0.128', '6.4');
    try {
      fs.writeFileSync(knownHosts, `pdu-bar ${other.emulator.ssh?.hostPublicKey}\n`);
      const strict = `-o StrictHostKeyChecking=yes -o UserKnownHostsFile=${knownHosts} -o HostKeyAlias=pdu-bar`;
      const r = await fence(unit, ['-n', '1', '-o', 'off'], { sshOptions: strict });
      expect(r.code).not.toBe(0);
      expect(state(unit, 1)).toBe('ON');
      expect(unit.events.some((e) => e.type === 'login' || e.type === 'login-failed')).toBe(false);
    } finally {
      await Promise.all([other.emulator.stop(), unit.emulator.stop()]);
    }
  });
});
