import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FENCEKIT } from '../helpers/cli.js';
import { type RunningWti, startWti } from '../helpers/emulator.js';
import { SOCAT, startPtyPair } from '../helpers/pty-pair.js';
import { peer, run } from '../helpers/run.js';

/** `fencekit power` against the emulator: human and JSON output, exit codes, password sources. 127.0.0.95–99. */
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'fencekit-power-'));
const pwFile = path.join(tmp, 'pw');
fs.writeFileSync(pwFile, 'changeme\n');
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('fencekit power --driver wti', () => {
  let wti: RunningWti;
  const power = (args: string[], env: NodeJS.ProcessEnv = process.env) =>
    run(
      process.execPath,
      [FENCEKIT, 'power', ...args, '--driver', 'wti', '--host', wti.host, '--port', String(wti.port)],
      {
        env,
      },
    );

  beforeAll(async () => {
    wti = await startWti({
      listen: '127.0.0.95:0',
      password: 'changeme',
      bootDelay: 0.1,
      plugs: [
        { number: 1, name: 'pete' },
        { number: 5, name: 'mclaws' },
      ],
    });
  });
  afterAll(() => wti.stop());

  it('powers mclaws off and returns after the plug reads OFF', async () => {
    const r = await power(['off', 'mclaws', '--password-file', pwFile]);
    expect(r.stdout).toBe('plug 5 (mclaws): OFF\n');
    expect(r.code).toBe(0);
    expect(wti.emulator.device.bank.get(5)?.state).toBe('OFF');
  });

  it('status exits 2 for an off plug and 0 for an on plug, with the password from FENCEKIT_PASSWORD', async () => {
    const env = { ...process.env, FENCEKIT_PASSWORD: 'changeme' };
    const off = await power(['status', '5'], env);
    expect(off.stdout).toBe('plug 5 (mclaws): OFF\n');
    expect(off.code).toBe(2);
    const on = await power(['status', 'pete'], env);
    expect(on.code).toBe(0);
  });

  it('prints JSON for scripts', async () => {
    const r = await power(['on', 'mclaws', '--password-file', pwFile, '--json']);
    expect(r.code).toBe(0);
    const body = JSON.parse(r.stdout);
    expect(body).toMatchObject({
      ok: true,
      action: 'on',
      plugs: [{ plug: 5, name: 'mclaws', state: 'on', changed: true }],
    });
    const again = JSON.parse((await power(['on', 'mclaws', '--password-file', pwFile, '--json'])).stdout);
    expect(again.plugs[0].changed).toBe(false);
  });

  it('lists the plugs', async () => {
    const r = await power(['list', '--password-file', pwFile]);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')).toContain('  5  mclaws            ON');
  });

  it('reboots a plug', async () => {
    const from = wti.events.length;
    const r = await power(['reboot', 'pete', '--password-file', pwFile]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('plug 1 (pete): rebooted, ON\n');
    expect(
      wti.events
        .slice(from)
        .filter((e) => e.type === 'plug')
        .map((e) => (e.type === 'plug' ? e.state : '')),
    ).toEqual(['OFF', 'ON']);
  });

  it('maps errors to documented exit codes, with a JSON error body', async () => {
    const auth = await power(['status', '1', '--password', 'wrong', '--json']);
    expect(auth.code).toBe(3);
    expect(JSON.parse(auth.stdout).error.code).toBe('EAUTH');
    const unknown = await power(['off', 'nosuch', '--password-file', pwFile]);
    expect(unknown.code).toBe(4);
    expect(unknown.stderr).toContain("no plug matches 'nosuch'");
    const usage = await power(['explode', '1', '--password-file', pwFile]);
    expect(usage.code).toBe(64);
  });

  it('never prints the password, even with --verbose', async () => {
    const r = await power(['status', '1', '--password-file', pwFile, '--verbose']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('>> ********');
    expect(r.stderr + r.stdout).not.toContain('changeme');
  });
});

describe.skipIf(!peer(SOCAT).available)('fencekit power over --serial (socat pty pair)', () => {
  it('powers a plug off through the serial set-up port', async () => {
    const pty = await startPtyPair();
    const wti = await startWti({
      listen: null,
      serial: pty.a,
      password: 'changeme',
      plugs: [{ number: 5, name: 'mclaws' }],
    });
    try {
      const r = await run(process.execPath, [
        FENCEKIT,
        'power',
        'off',
        'mclaws',
        '--driver',
        'wti',
        '--serial',
        pty.b,
        '--baud',
        '9600',
        '--password-file',
        pwFile,
      ]);
      expect(r.stdout).toBe('plug 5 (mclaws): OFF\n');
      expect(r.code).toBe(0);
      expect(wti.emulator.device.bank.get(5)?.state).toBe('OFF');
    } finally {
      await wti.stop();
      await pty.stop();
    }
  });
});
