import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApcEmulator } from '../../emulator/apc-emulator.js';
import { FENCEKIT, startEmulatorProcess } from '../helpers/cli.js';
import { run } from '../helpers/run.js';

/**
 * `fencekit power --driver apc|apc-snmp`: the same question over SNMP, telnet
 * and SSH gets the same answer from the same card. 127.0.0.150–154.
 */
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'fencekit-apc-power-'));
const pwFile = path.join(tmp, 'pw');
fs.writeFileSync(pwFile, 'apc\n');
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('fencekit power against one APC card over three transports', () => {
  let apc: ApcEmulator;
  const host = '127.0.0.150';
  const power = (...args: string[]) => run(process.execPath, [FENCEKIT, 'power', ...args, '--host', host, '--json']);
  const plugs = (stdout: string) =>
    JSON.parse(stdout).plugs.map((p: { plug: number; name: string; state: string }) => [p.plug, p.name, p.state]);

  beforeAll(async () => {
    apc = await ApcEmulator.start({
      config: {
        model: 'apc-rackpdu',
        firmware: '2.7',
        listen: `${host}:0`,
        ssh: `${host}:0`,
        snmp: `${host}:0`,
        username: 'apc',
        password: 'apc',
        plugs: [{ number: 3, name: 'db1' }],
      },
    });
  });
  afterAll(() => apc.stop());

  it('status 3 reads the same over SNMP, telnet and SSH, before and after a switch', async () => {
    const ports = {
      snmp: String(apc.snmp?.address.port),
      telnet: String(apc.telnet?.address.port),
      ssh: String(apc.ssh?.address.port),
    };
    const ask = () =>
      Promise.all([
        power('status', '3', '--driver', 'apc-snmp', '--port', ports.snmp, '--community', 'private'),
        power('status', '3', '--driver', 'apc', '--port', ports.telnet, '--username', 'apc', '--password-file', pwFile),
        power(
          'status',
          '3',
          '--driver',
          'apc',
          '--ssh',
          '--insecure',
          '--port',
          ports.ssh,
          '--username',
          'apc',
          '--password-file',
          pwFile,
        ),
      ]);
    for (const r of await ask()) {
      expect(r.code).toBe(0);
      expect(plugs(r.stdout)).toEqual([[3, 'db1', 'on']]);
    }
    const off = await power('off', 'db1', '--driver', 'apc-snmp', '--port', ports.snmp, '--community', 'private');
    expect(off.code).toBe(0);
    for (const r of await ask()) {
      expect(r.code).toBe(2);
      expect(plugs(r.stdout)).toEqual([[3, 'db1', 'off']]);
    }
  });

  it('refuses an SSH host key it was not told to trust', async () => {
    const r = await power(
      'status',
      '3',
      '--driver',
      'apc',
      '--ssh',
      '--port',
      String(apc.ssh?.address.port),
      '--username',
      'apc',
      '--password-file',
      pwFile,
    );
    expect(r.code).not.toBe(0);
    expect(JSON.parse(r.stdout).ok).toBe(false);
    expect(r.stderr).toMatch(/SHA256:/);
  });
});

describe('fencekit emulate --model apc-rackpdu', () => {
  it('serves telnet, SSH and SNMP, and keeps the SSH host key beside --state', async () => {
    const state = path.join(tmp, 'apc.state.json');
    const args = [
      '--model',
      'apc-rackpdu',
      '--listen',
      '127.0.0.151:0',
      '--ssh',
      '127.0.0.151:0',
      '--snmp',
      '127.0.0.151:0',
      '--username',
      'apc',
      '--password-file',
      pwFile,
      '--state',
      state,
      '--plug',
      '3=db1',
    ];
    const emu = await startEmulatorProcess(args);
    try {
      expect(emu.stdout()).toMatch(/listening on 127\.0\.0\.151:\d+ \(ssh/);
      expect(emu.stdout()).toMatch(/listening on 127\.0\.0\.151:\d+ \(snmp/);
      const r = await run(process.execPath, [
        FENCEKIT,
        'power',
        'off',
        'db1',
        '--driver',
        'apc',
        '--host',
        emu.host,
        '--port',
        String(emu.port),
        '--username',
        'apc',
        '--password-file',
        pwFile,
      ]);
      expect(r.stdout).toBe('plug 3 (db1): OFF\n');
    } finally {
      await emu.stop();
    }
    expect(fs.existsSync(`${state}.ssh-host-key`)).toBe(true);
    expect(JSON.parse(fs.readFileSync(state, 'utf8')).plugs[2]).toMatchObject({ number: 3, name: 'db1', state: 'OFF' });
  });
});
