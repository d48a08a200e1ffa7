import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FENCE_FENCEKIT } from '../helpers/cli.js';
import { plugStates, type RunningWti, startWti } from '../helpers/emulator.js';
import { type PtyPair, SOCAT, startPtyPair } from '../helpers/pty-pair.js';
import { peer, run } from '../helpers/run.js';

/**
 * fence_fencekit against the IPS-800 emulator, judged by the real fence_wti:
 * the same options on stdin, against the same emulator state, give the same
 * stdout and exit status. Then what only fence_fencekit does (plug names, a
 * serial line, a stuck relay never reported done). Addresses 127.0.2.1–9.
 */
const FENCE_WTI = '/usr/sbin/fence_wti';
const { available } = peer(FENCE_WTI);
const socatOk = peer(SOCAT).available;

const agent = (input: string, args: string[] = []) =>
  run(process.execPath, [FENCE_FENCEKIT, ...args], { input, timeoutMs: 60_000 });

describe.skipIf(!available)('fence_fencekit driver=wti, equal to fence_wti', () => {
  let wti: RunningWti;
  const options = (extra: string) => `ip=${wti.host}\nipport=${wti.port}\npassword=changeme\n${extra}`;

  beforeAll(async () => {
    wti = await startWti({
      listen: '127.0.2.1:0',
      password: 'changeme',
      plugs: [
        { number: 1, name: 'pete' },
        { number: 5, name: 'mclaws' },
      ],
      bootDelay: 0.2,
    });
  });
  afterAll(() => wti.stop());

  /** Runs fence_wti and fence_fencekit from the same starting state; returns both. */
  async function both(extra: string, prepare: () => void) {
    prepare();
    const theirs = await run(FENCE_WTI, [], { input: options(extra), timeoutMs: 60_000 });
    const theirStates = plugStates(wti.emulator);
    prepare();
    const ours = await agent(`driver=wti\n${options(extra)}`);
    return { theirs, ours, theirStates, ourStates: plugStates(wti.emulator) };
  }
  const allOn = () => {
    for (let n = 1; n <= 8; n++) wti.emulator.device.bank.force(n, 'ON', 'test');
  };
  const fiveOff = () => {
    allOn();
    wti.emulator.device.bank.force(5, 'OFF', 'test');
  };

  it.each([
    ['status of a plug that is on', 'plug=1\naction=status\n', allOn],
    ['status of a plug that is off (exit 2)', 'plug=5\naction=status\n', fiveOff],
    ['on', 'plug=5\naction=on\n', fiveOff],
    ['on, already on', 'port=5\naction=on\n', allOn],
    ['off', 'plug=5\naction=off\n', allOn],
    ['off, already off', 'plug=5\naction=off\n', fiveOff],
    ['reboot', 'plug=1\naction=reboot\n', allOn],
    ['list', 'action=list\n', fiveOff],
    ['list-status', 'action=list-status\n', fiveOff],
    ['monitor', 'action=monitor\n', allOn],
    ['a plug that does not exist', 'plug=9\naction=status\n', allOn],
  ])('%s: same stdout, exit status and plug states', async (_name, extra, prepare) => {
    const r = await both(extra, prepare);
    expect(r.ours.stdout).toBe(r.theirs.stdout);
    expect(r.ours.code).toBe(r.theirs.code);
    expect(r.ourStates).toBe(r.theirStates);
  });

  it('a wrong password: both fail with exit 1, say they could not log in, and switch nothing', async () => {
    allOn();
    const input = `ip=${wti.host}\nipport=${wti.port}\npassword=wrong\nplug=5\naction=off\n`;
    const theirs = await run(FENCE_WTI, [], { input });
    const ours = await agent(`driver=wti\n${input}`);
    expect([ours.code, ours.stdout]).toEqual([theirs.code, theirs.stdout]);
    expect(ours.code).toBe(1);
    expect(ours.stderr).toContain('ERROR: Unable to connect/login to fencing device');
    expect(ours.stderr).not.toContain('wrong');
    expect(plugStates(wti.emulator)).toBe('ON ON ON ON ON ON ON ON');
  });

  it('GNU-style options give the same answers as fence_wti', async () => {
    fiveOff();
    const args = ['-a', wti.host, '-u', String(wti.port), '-p', 'changeme', '-n', '5', '-o', 'status'];
    const theirs = await run(FENCE_WTI, args);
    const ours = await agent('', ['--driver', 'wti', ...args]);
    expect([ours.stdout, ours.code]).toEqual([theirs.stdout, theirs.code]);
    expect(ours.stdout).toBe('Status: OFF\n');
  });
});

describe.skipIf(!available)('what fence_fencekit adds to fence_wti', () => {
  let wti: RunningWti;
  let tmp: string;
  const options = (extra: string) => `driver=wti\nip=${wti.host}\nipport=${wti.port}\npassword=changeme\n${extra}`;

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'fence-fencekit-'));
    wti = await startWti({
      listen: '127.0.2.2:0',
      password: 'changeme',
      plugs: [{ number: 5, name: 'mclaws' }],
      bootDelay: 0.2,
    });
  });
  afterAll(async () => {
    await wti.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });
  beforeEach(() => {
    wti.emulator.device.faults.clear();
    for (let n = 1; n <= 8; n++) wti.emulator.device.bank.force(n, 'ON', 'test');
  });

  it('fences a plug by its name', async () => {
    const r = await agent(options('plug=mclaws\naction=off\n'));
    expect(r.stdout).toBe('Success: Powered OFF\n');
    expect(r.code).toBe(0);
    expect(wti.emulator.device.bank.get(5)?.state).toBe('OFF');
  });

  it('a stuck relay is a failure, never "done"', async () => {
    wti.emulator.device.faults.add('stuck-relay');
    const r = await agent(options('plug=5\naction=off\npower_timeout=2\nlogin_timeout=2\nshell_timeout=1\n'));
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('Failed: Timed out waiting to power OFF');
    expect(wti.emulator.device.bank.get(5)?.state).toBe('ON');
  });

  it('keeps the password out of the verbose log and the debug file', async () => {
    const debugFile = path.join(tmp, 'debug.log');
    const r = await agent(options(`plug=5\naction=status\nverbose=1\ndebug_file=${debugFile}\n`));
    expect(r.code).toBe(0);
    const debug = fs.readFileSync(debugFile, 'utf8');
    expect(debug).toContain('/S');
    expect(r.stderr).toContain('/S');
    expect(debug).not.toContain('changeme');
    expect(r.stderr).not.toContain('changeme');
  });

  it('runs the password script, and warns about unknown names without failing', async () => {
    const input = `driver=wti\nip=${wti.host}\nipport=${wti.port}\npassword_script=echo changeme\nplug=5\naction=status\nbogus=1\nnodename=node1\n`;
    const r = await agent(input);
    expect(r.stdout).toBe('Status: ON\n');
    expect(r.stderr).toContain("WARNING:root:Parse error: Ignoring unknown option 'bogus'");
    expect(r.stderr).not.toContain('nodename');
  });

  it('takes the legacy option= for action (fence_wti 4.12.1 ignores it and reboots)', async () => {
    const r = await agent(options('plug=5\noption=Status\n'));
    expect(r.stdout).toBe('Status: ON\n');
    expect(r.code).toBe(0);
  });

  it('validate-all checks the options without connecting', async () => {
    const before = wti.events.length;
    expect((await agent(options('plug=5\naction=validate-all\n'))).code).toBe(0);
    const bad = await agent('driver=nosuch\nip=127.0.2.2\nplug=1\naction=validate-all\n');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("unknown driver 'nosuch'");
    expect(wti.events.slice(before).some((e) => e.type === 'login' || e.type === 'login-failed')).toBe(false);
  });

  it('an unknown action fails as fence-agents does', async () => {
    const r = await agent(options('action=bogus\n'));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("Failed: Unrecognised action 'bogus'");
    expect(r.stderr).toContain("Please use '-h' for usage");
  });

  it.skipIf(!socatOk)('fences a WTI on a serial line (a socat pty pair)', async () => {
    const pty: PtyPair = await startPtyPair();
    const serialWti = await startWti({ listen: null, serial: pty.a, password: 'changeme', bootDelay: 0.2 });
    try {
      const r = await agent(`driver=wti\nserial_port=${pty.b}\nbaud=9600\npassword=changeme\nplug=3\naction=reboot\n`);
      expect(r.stderr).toBe('');
      expect(r.stdout).toBe('Success: Rebooted\n');
      const changes = serialWti.events.filter((e) => e.type === 'plug' && e.plug === 3);
      expect(changes.map((e) => (e.type === 'plug' ? e.state : ''))).toEqual(['OFF', 'ON']);
    } finally {
      await serialWti.stop();
      await pty.stop();
    }
  });
});

describe('fence_fencekit metadata', () => {
  it('prints fence-agents-shaped XML naming every driver and every action', async () => {
    const r = await agent('action=metadata\n');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^<\?xml version="1.0" \?>\n<resource-agent name="fence_fencekit" /);
    for (const d of ['wti', 'apc', 'apc-snmp', 'ilo', 'ilo-ssh', 'redfish'])
      expect(r.stdout).toContain(`<option value="${d}" />`);
    for (const a of ['on', 'off', 'reboot', 'status', 'list', 'list-status', 'monitor', 'metadata', 'validate-all']) {
      expect(r.stdout).toMatch(new RegExp(`<action name="${a}" ?(automatic="0")?/>`));
    }
    expect(r.stdout).toContain('<parameter name="passwd" unique="0" required="0" deprecated="1">');
    expect(r.stdout).toContain('<parameter name="password" unique="0" required="0" obsoletes="passwd">');
    expect(r.stdout).toContain('<parameter name="serial_port"');
    expect(r.stdout).toContain('<parameter name="snmp_priv_passwd"');
    // The same with -o metadata, as stonith_admin asks for it.
    expect((await agent('', ['-o', 'metadata'])).stdout).toBe(r.stdout);
  });
});
