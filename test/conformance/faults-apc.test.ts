import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ApcFault } from '../../emulator/apc/apc-device.js';
import { peer, run } from '../helpers/run.js';
import { type RunningApc, resetApc, startApc } from '../helpers/units.js';

/**
 * The real fence_apc (menu, over telnet and SSH) and fence_apc_snmp against a
 * running Rack PDU whose faults are switched on and off while it runs, as the
 * lab does: each fault that applies to a front-end makes the client fail, and
 * the next run after it is cleared passes. Faults with no meaning for a
 * front-end leave it alone (SNMP has no sessions, logins or screens). Short
 * client timeouts keep each failure to a few seconds. Address 127.0.9.20,
 * ports 0.
 */
const FENCE_APC = '/usr/sbin/fence_apc';
const FENCE_APC_SNMP = '/usr/sbin/fence_apc_snmp';
const SSH = '/usr/bin/ssh';
const available = [FENCE_APC, FENCE_APC_SNMP, SSH].every((p) => peer(p).available);
/** For a run that must fail: it gives up within a couple of seconds. */
const QUICK = ['--login-timeout', '1', '--shell-timeout', '1'];
const SSH_OPTIONS = '--ssh-options=-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null';

type Fence = (...args: string[]) => ReturnType<typeof run>;
interface Faults {
  add(fault: ApcFault): unknown;
  delete(fault: ApcFault): unknown;
}

/** With `fault` set, status fails within QUICK's timeouts; once it is cleared, status passes. */
async function failsUntilCleared(fence: Fence, faults: Faults, fault: ApcFault): Promise<void> {
  faults.add(fault);
  const failed = await fence('-n', '1', '-o', 'status', ...QUICK);
  expect(failed.code).toBe(1);
  expect(failed.stdout).not.toContain('Status: ON');

  faults.delete(fault);
  const passed = await fence('-n', '1', '-o', 'status');
  expect(passed.stdout).toBe('Status: ON\n');
  expect(passed.code).toBe(0);
}

/**
 * With `stuck-relay` set, off is taken but the outlet stays ON, the client gives up, and the
 * ignored switch is an event matching `ignored`; once it is cleared, off passes.
 */
async function stuckUntilCleared(
  fence: Fence,
  apc: RunningApc,
  ignored: Record<string, unknown>,
): Promise<Awaited<ReturnType<Fence>>> {
  const { faults } = apc.emulator.device;
  const state = () => apc.emulator.device.bank.get(1)?.state;
  faults.add('stuck-relay');
  const from = apc.events.length;
  const stuck = await fence('-n', '1', '-o', 'off', '--power-timeout', '2');
  expect(stuck.code).toBe(1);
  expect(state()).toBe('ON');
  expect(apc.events.slice(from)).toContainEqual(
    expect.objectContaining({ type: 'switch-ignored', plug: 1, requested: 'OFF', ...ignored }),
  );

  faults.delete('stuck-relay');
  const off = await fence('-n', '1', '-o', 'off');
  expect(off.stdout).toBe('Success: Powered OFF\n');
  expect(state()).toBe('OFF');
  return stuck;
}

/** With `slow` set, answers 2 s late: QUICK's 1 s timeouts fail, the client's defaults pass. */
async function slowNeedsDefaultTimeouts(fence: Fence, faults: Faults): Promise<void> {
  faults.add('slow');
  const tight = await fence('-n', '1', '-o', 'status', ...QUICK);
  expect(tight.code).toBe(1);
  const patient = await fence('-n', '1', '-o', 'status');
  expect(patient.stdout).toBe('Status: ON\n');
  expect(patient.code).toBe(0);
}

describe.skipIf(!available)('fence_apc and fence_apc_snmp against an APC card with faults switched at run time', () => {
  let apc: RunningApc;
  const faults = () => apc.emulator.device.faults;
  const state = (n: number) => apc.emulator.device.bank.get(n)?.state;
  const login = ['-a', '127.0.9.20', '-l', 'apc', '-p', 'apc'];
  const telnet = (...args: string[]) =>
    run(FENCE_APC, [...login, '-u', String(apc.ports.telnet), ...args], { timeoutMs: 60_000 });
  const ssh = (...args: string[]) =>
    run(FENCE_APC, ['-x', SSH_OPTIONS, ...login, '-u', String(apc.ports.ssh), ...args], { timeoutMs: 60_000 });
  const snmp = (...args: string[]) =>
    run(FENCE_APC_SNMP, ['-a', '127.0.9.20', '-u', String(apc.ports.snmp), '-c', 'private', ...args], {
      timeoutMs: 60_000,
    });
  const clients = { telnet, ssh, snmp };

  beforeAll(async () => {
    apc = await startApc('127.0.9.20', { telnet: 0, ssh: 0, snmp: 0, plugs: [{ number: 1, name: 'node1' }] });
  });
  afterAll(() => apc.stop());
  beforeEach(() => {
    resetApc(apc);
    apc.emulator.device.snmpUsers = [];
  });

  const failing: [keyof typeof clients, ApcFault][] = [
    ['telnet', 'busy'],
    ['telnet', 'hang'],
    ['telnet', 'refuse-login'],
    ['telnet', 'garbled'],
    ['telnet', 'hang-after-login'],
    ['telnet', 'drop-after-login'],
    ['telnet', 'stall-mid-screen'],
    ['ssh', 'busy'],
    ['ssh', 'hang'],
    ['ssh', 'refuse-login'],
    ['ssh', 'garbled'],
    ['ssh', 'hang-after-login'],
    ['ssh', 'drop-after-login'],
    ['snmp', 'hang'],
    ['snmp', 'refuse-login'],
    ['snmp', 'garbled'],
  ];
  it.each(failing)('%s, %s: status fails; cleared, it passes', (client, fault) =>
    failsUntilCleared(clients[client], faults(), fault),
  );

  it.each(['telnet', 'ssh'] as const)(
    '%s, slow: answers 2 s late still pass with the default timeouts; with 1 s ones status fails',
    (client) => slowNeedsDefaultTimeouts(clients[client], faults()),
  );

  it('snmp v3, refuse-login: the right keys fail as wrong ones; cleared, they pass', async () => {
    apc.emulator.device.snmpUsers = [
      {
        name: 'fencer',
        authProtocol: 'sha',
        authKey: 'fence-auth-key',
        privProtocol: 'aes',
        privKey: 'fence-priv-key',
      },
    ];
    const v3 = (...args: string[]) =>
      run(
        FENCE_APC_SNMP,
        [
          ...['-a', '127.0.9.20', '-u', String(apc.ports.snmp), '-d', '3', '-l', 'fencer', '-p', 'fence-auth-key'],
          ...['-b', 'SHA', '-E', 'authPriv', '-B', 'AES', '-P', 'fence-priv-key', ...args],
        ],
        { timeoutMs: 60_000 },
      );
    faults().add('refuse-login');
    const refused = await v3('-n', '1', '-o', 'status', ...QUICK);
    expect(refused.code).toBe(1);
    expect(refused.stdout).not.toContain('Status: ON');
    faults().delete('refuse-login');
    const passed = await v3('-n', '1', '-o', 'status');
    expect(passed.stdout).toBe('Status: ON\n');
  });

  it.each<ApcFault>(['busy', 'hang-after-login', 'drop-after-login', 'stall-mid-screen'])(
    'snmp, %s: no meaning for SNMP, status passes',
    async (fault) => {
      faults().add(fault);
      const r = await snmp('-n', '1', '-o', 'status', ...QUICK);
      expect(r.stdout).toBe('Status: ON\n');
      expect(r.code).toBe(0);
    },
  );

  it('snmp, slow: responses 2 s late still arrive within the default timeouts; with 1 s ones status fails', () =>
    slowNeedsDefaultTimeouts(snmp, faults()));

  it('snmp, stuck-relay: the SET is taken, off never reads back, and each ignored switch is an event', async () => {
    const stuck = await stuckUntilCleared(snmp, apc, { reason: 'fault: stuck-relay' });
    expect(stuck.stderr).toContain('Timed out waiting to power OFF');
  });

  it('telnet, stuck-relay: the menu acknowledges off, it never reads back; the event names the user', async () => {
    faults().add('stuck-relay');
    const from = apc.events.length;
    const stuck = await telnet('-n', '1', '-o', 'off', '--power-timeout', '1');
    expect(stuck.code).toBe(1);
    expect(state(1)).toBe('ON');
    expect(apc.events.slice(from)).toContainEqual(
      expect.objectContaining({ type: 'switch-ignored', plug: 1, requested: 'OFF', user: 'apc' }),
    );
  });

  it('the user is on the login and plug events of a telnet and an SSH session', async () => {
    const from = apc.events.length;
    expect((await ssh('-n', '1', '-o', 'off')).stdout).toBe('Success: Powered OFF\n');
    const seen = apc.events.slice(from);
    expect(seen).toContainEqual(expect.objectContaining({ type: 'login', user: 'apc' }));
    expect(seen).toContainEqual(expect.objectContaining({ type: 'plug', plug: 1, state: 'OFF', user: 'apc' }));
  });
});

/**
 * The same for the `apc>` command line of AOS v6.4, over telnet, on
 * 127.0.9.21: fence_apc's other dialect, with the faults of a session.
 */
describe.skipIf(!available)(
  'fence_apc against the apc> command line (AOS v6.4) with faults switched at run time',
  () => {
    let apc: RunningApc;
    const faults = () => apc.emulator.device.faults;
    const fence = (...args: string[]) =>
      run(FENCE_APC, ['-a', '127.0.9.21', '-u', String(apc.ports.telnet), '-l', 'apc', '-p', 'apc', ...args], {
        timeoutMs: 60_000,
      });

    beforeAll(async () => {
      apc = await startApc('127.0.9.21', { telnet: 0, firmware: '6.4', plugs: [{ number: 1, name: 'node1' }] });
    });
    afterAll(() => apc.stop());
    beforeEach(() => resetApc(apc));

    it.each<ApcFault>([
      'busy',
      'hang',
      'refuse-login',
      'garbled',
      'hang-after-login',
      'drop-after-login',
      'stall-mid-screen',
    ])('%s: status fails; cleared, it passes', (fault) => failsUntilCleared(fence, faults(), fault));

    it('slow: with the default timeouts status passes; with 1 s ones it fails', () =>
      slowNeedsDefaultTimeouts(fence, faults()));

    it('stuck-relay: off is acknowledged, the outlet never reads back OFF; cleared, off passes', async () => {
      await stuckUntilCleared(fence, apc, { user: 'apc' });
    });
  },
);
