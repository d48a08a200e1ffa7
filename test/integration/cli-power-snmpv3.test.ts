import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApcEmulator } from '../../emulator/apc-emulator.js';
import { FENCEKIT } from '../helpers/cli.js';
import { run } from '../helpers/run.js';

/**
 * `fencekit power --driver apc-snmp --snmp-version 3`: the USM user, level,
 * protocols and keys given as flags, files and variables reach the card as
 * it expects them. 127.0.1.0 (UDP, port 0).
 */
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'fencekit-snmpv3-'));
const authFile = path.join(tmp, 'auth');
const privFile = path.join(tmp, 'priv');
fs.writeFileSync(authFile, 'fence-auth-key\n');
fs.writeFileSync(privFile, 'fence-priv-key\n');
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('fencekit power --driver apc-snmp over SNMPv3', () => {
  let apc: ApcEmulator;
  const host = '127.0.1.0';
  const power = (args: string[], env: NodeJS.ProcessEnv = {}) =>
    run(
      process.execPath,
      [
        FENCEKIT,
        'power',
        ...args,
        '--driver',
        'apc-snmp',
        '--snmp-version',
        '3',
        '--host',
        host,
        '--port',
        String(apc.snmp?.address.port),
        '--timeout',
        '10',
      ],
      { env: { ...process.env, FENCEKIT_PASSWORD: '', FENCEKIT_SNMP_PRIV_PASSWORD: '', ...env } },
    );

  beforeAll(async () => {
    apc = await ApcEmulator.start({
      config: {
        model: 'apc-rackpdu',
        firmware: '2.7',
        listen: null,
        snmp: `${host}:0`,
        plugs: [{ number: 3, name: 'db1' }],
      },
    });
    apc.device.snmpUsers = [
      { name: 'fence', authProtocol: 'sha', authKey: 'fence-auth-key', privProtocol: 'aes', privKey: 'fence-priv-key' },
      { name: 'md5', authProtocol: 'md5', authKey: 'fence-auth-key', privProtocol: 'aes', privKey: 'fence-priv-key' },
      { name: 'auth-only', authProtocol: 'sha', authKey: 'fence-auth-key' },
    ];
  });
  afterAll(() => apc.stop());

  it('authPriv (SHA, AES by default): the privacy password from a file, then from FENCEKIT_SNMP_PRIV_PASSWORD', async () => {
    const off = await power([
      'off',
      'db1',
      '--username',
      'fence',
      '--password-file',
      authFile,
      '--snmp-priv-password-file',
      privFile,
    ]);
    expect(off.stderr).toBe('');
    expect(off.stdout).toBe('plug 3 (db1): OFF\n');
    expect(apc.device.bank.get(3)?.state).toBe('OFF');
    const status = await power(['status', '3', '--username', 'fence', '--snmp-sec-level', 'authPriv'], {
      FENCEKIT_PASSWORD: 'fence-auth-key',
      FENCEKIT_SNMP_PRIV_PASSWORD: 'fence-priv-key',
    });
    expect(status.stdout).toBe('plug 3 (db1): OFF\n');
    expect(status.code).toBe(2);
  });

  it('MD5 when asked for', async () => {
    const r = await power([
      'on',
      '3',
      '--username',
      'md5',
      '--password-file',
      authFile,
      '--snmp-priv-password-file',
      privFile,
      '--snmp-auth-prot',
      'MD5',
      '--snmp-priv-prot',
      'AES',
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(apc.device.bank.get(3)?.state).toBe('ON');
  });

  it('DES, which OpenSSL 3 keeps in its legacy provider, is refused with the way to turn it on', async () => {
    const r = await power(
      [
        'status',
        '3',
        '--username',
        'fence',
        '--password-file',
        authFile,
        '--snmp-priv-password-file',
        privFile,
        '--snmp-priv-prot',
        'DES',
      ],
      {
        NODE_OPTIONS: '',
      },
    );
    expect(r.code).toBe(64);
    expect(r.stderr).toBe(
      "fencekit: --snmp-priv-prot DES needs OpenSSL's legacy provider (NODE_OPTIONS=--openssl-legacy-provider)\n",
    );
  });

  it('authNoPriv with the password alone', async () => {
    const r = await power(['status', '3', '--username', 'auth-only', '--password-file', authFile]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^plug 3 \(db1\): (ON|OFF)\n$/);
  });

  it('a wrong authentication key is an authentication failure, not a usage error', async () => {
    const r = await power([
      'status',
      '3',
      '--username',
      'fence',
      '--password',
      'not-the-key',
      '--snmp-priv-password-file',
      privFile,
    ]);
    expect(r.code).not.toBe(0);
    expect(r.code).not.toBe(64);
    expect(r.stderr + r.stdout).not.toContain('not-the-key');
  });

  it('v1 flags with v3 are refused before anything is sent', async () => {
    const r = await power(['status', '3', '--username', 'fence', '--community', 'private']);
    expect(r.code).toBe(64);
    expect(r.stderr).toBe('fencekit: --community is for --snmp-version 1 or 2c\n');
  });
});
