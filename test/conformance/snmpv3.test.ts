import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type EmulatorProcess, FENCE_FENCEKIT, FENCEKIT, startEmulatorProcess } from '../helpers/cli.js';
import { peer, run } from '../helpers/run.js';
import { waitFor } from '../helpers/wait.js';

/**
 * SNMPv3 end to end: a `fencekit emulate` APC card whose USM users come from
 * its config file and its flags, switched by the real fence_apc_snmp
 * (fence-agents 4.12.1 over net-snmp's snmpget/snmpset/snmpwalk), by
 * `fencekit power --driver apc-snmp` and by fence_fencekit with the same
 * user. Addresses 127.0.6.0 (the card, UDP port 0) and 127.0.6.1 (DES).
 */
const FENCE_APC_SNMP = '/usr/sbin/fence_apc_snmp';
const SNMPGET = '/usr/bin/snmpget';
const { available } = peer(FENCE_APC_SNMP);
const snmpgetThere = peer(SNMPGET).available;

// net-snmp's tools refuse passwords under 8 characters (RFC 3414), so none of these is shorter.
const AUTH = 'authpass';
const PRIV = 'privpass';
/** PowerNet-MIB rPDUOutletStatusOutletState: 1 on, 2 off. */
const OUTLET_STATE = '.1.3.6.1.4.1.318.1.1.12.3.5.1.1.4';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'fencekit-snmpv3-conf-'));
const authFile = path.join(tmp, 'auth.pw');
fs.writeFileSync(authFile, `${AUTH}\n`);
fs.mkdirSync(path.join(tmp, 'keys'));
// Relative to the config file, not to where the emulator starts.
fs.writeFileSync(path.join(tmp, 'keys', 'priv.pw'), `${PRIV}\n`);
const configFile = path.join(tmp, 'card.json');
fs.writeFileSync(
  configFile,
  JSON.stringify({
    model: 'apc-rackpdu',
    listen: null,
    snmp: '127.0.6.0:0',
    outlets: 8,
    plugs: [
      { number: 3, name: 'db3' },
      { number: 4, name: 'db4' },
    ],
    snmpUsers: [
      {
        name: 'u',
        level: 'authPriv',
        authProtocol: 'SHA',
        authPassword: AUTH,
        privProtocol: 'AES',
        privPasswordFile: 'keys/priv.pw',
      },
      { name: 'md5user', level: 'authNoPriv', authProtocol: 'MD5', authPasswordFile: 'auth.pw' },
      { name: 'open', level: 'noAuthNoPriv' },
    ],
  }),
);
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const emulate = (args: string[], env: NodeJS.ProcessEnv = {}) =>
  run(process.execPath, [FENCEKIT, 'emulate', '--no-console', ...args], {
    env: { ...process.env, FENCEKIT_SNMP_AUTH_PASSWORD: '', FENCEKIT_SNMP_PRIV_PASSWORD: '', ...env },
    timeoutMs: 20_000,
  });

describe.skipIf(!available || !snmpgetThere)('SNMPv3 users of an emulated APC card, with the real clients', () => {
  let card: EmulatorProcess;
  const stateFile = path.join(tmp, 'state.json');
  const v3 = (user: string, level: string, ...more: string[]) => [
    '-d',
    '3',
    '-l',
    user,
    '--snmp-sec-level',
    level,
    ...more,
  ];
  const authPriv = v3(
    'u',
    'authPriv',
    '-p',
    AUTH,
    '--snmp-auth-prot',
    'SHA',
    '--snmp-priv-prot',
    'AES',
    '--snmp-priv-passwd',
    PRIV,
  );
  const fence = (args: string[], plug: string, action: string) =>
    run(FENCE_APC_SNMP, [...args, '-a', card.host, '-u', String(card.port), '-n', plug, '-o', action], {
      timeoutMs: 60_000,
    });
  /** The outlet as a third client reads it over SNMPv1. */
  const outlet = async (n: number) => {
    const r = await run(SNMPGET, ['-v1', '-c', 'public', '-Oqv', `${card.host}:${card.port}`, `${OUTLET_STATE}.${n}`]);
    return r.stdout.trim() === '1' ? 'ON' : r.stdout.trim() === '2' ? 'OFF' : `unreadable: ${r.stdout}${r.stderr}`;
  };
  const setOutlet = (n: number, on: boolean) =>
    run(SNMPGET.replace('snmpget', 'snmpset'), [
      '-v1',
      '-c',
      'private',
      `${card.host}:${card.port}`,
      `.1.3.6.1.4.1.318.1.1.12.3.3.1.1.4.${n}`,
      'i',
      on ? '1' : '2',
    ]);

  beforeAll(async () => {
    card = await startEmulatorProcess(
      [
        '--config',
        configFile,
        '--state',
        stateFile,
        '--snmp-user',
        'flaguser',
        '--snmp-sec-level',
        'authPriv',
        '--snmp-auth-prot',
        'MD5',
        '--snmp-priv-prot',
        'AES',
        '--snmp-auth-password-file',
        authFile,
      ],
      { ...process.env, FENCEKIT_SNMP_AUTH_PASSWORD: '', FENCEKIT_SNMP_PRIV_PASSWORD: 'flag-priv-pw' },
      /^listening on (\S+):(\d+) \(snmp/m,
    );
  });
  afterAll(() => card?.stop());

  beforeEach(async () => {
    for (const n of [3, 4]) await setOutlet(n, true);
    expect([await outlet(3), await outlet(4)]).toEqual(['ON', 'ON']);
  });

  it('fence_apc_snmp -d 3 authPriv (SHA/AES) switches outlet 3 off and on, reads its status, lists the outlets', async () => {
    const off = await fence(authPriv, '3', 'off');
    expect(off.stdout).toBe('Success: Powered OFF\n');
    expect(off.code).toBe(0);
    expect(await outlet(3)).toBe('OFF');
    const status = await fence(authPriv, '3', 'status');
    expect(status.stdout).toBe('Status: OFF\n');
    expect(status.code).toBe(2);
    const on = await fence(authPriv, '3', 'on');
    expect(on.stdout).toBe('Success: Powered ON\n');
    expect(await outlet(3)).toBe('ON');
    const list = await fence(authPriv, '3', 'list');
    expect(list.code).toBe(0);
    expect(list.stdout).toContain('3,db3\n');
    expect(list.stdout).toContain('4,db4\n');
  });

  it('an authNoPriv user (MD5, its password from a file beside the config) switches an outlet', async () => {
    const md5 = v3('md5user', 'authNoPriv', '-p', AUTH, '--snmp-auth-prot', 'MD5');
    const off = await fence(md5, 'db4', 'off');
    expect(off.stdout).toBe('Success: Powered OFF\n');
    expect(await outlet(4)).toBe('OFF');
  });

  it('a noAuthNoPriv user reads and switches without passwords', async () => {
    const open = v3('open', 'noAuthNoPriv');
    expect((await fence(open, '3', 'status')).stdout).toBe('Status: ON\n');
    expect((await fence(open, '3', 'off')).stdout).toBe('Success: Powered OFF\n');
    expect(await outlet(3)).toBe('OFF');
  });

  it('the user the flags gave (privacy password from FENCEKIT_SNMP_PRIV_PASSWORD) switches an outlet', async () => {
    const flagged = v3('flaguser', 'authPriv', '-p', AUTH, '--snmp-auth-prot', 'MD5', '--snmp-priv-prot', 'AES');
    const off = await fence([...flagged, '--snmp-priv-passwd', 'flag-priv-pw'], '3', 'off');
    expect(off.stdout).toBe('Success: Powered OFF\n');
    expect(await outlet(3)).toBe('OFF');
  });

  it('a wrong authentication password fails and switches nothing', async () => {
    const wrong = v3('u', 'authPriv', '-p', 'not-the-password', '--snmp-auth-prot', 'SHA', '--snmp-priv-prot', 'AES');
    const r = await fence([...wrong, '--snmp-priv-passwd', PRIV], '3', 'off');
    expect(r.code).toBe(1);
    expect(r.stdout).not.toContain('Success');
    expect(await outlet(3)).toBe('ON');
  });

  it('an unknown user fails and switches nothing', async () => {
    const nobody = v3('nobody', 'authPriv', '-p', AUTH, '--snmp-auth-prot', 'SHA', '--snmp-priv-prot', 'AES');
    const r = await fence([...nobody, '--snmp-priv-passwd', PRIV], '3', 'off');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/Unknown user name|Timeout/i);
    expect(await outlet(3)).toBe('ON');
  });

  it('fencekit power --driver apc-snmp with the same user, passwords from a file and the environment', async () => {
    const r = await run(
      process.execPath,
      [
        FENCEKIT,
        'power',
        'off',
        '3',
        '--driver',
        'apc-snmp',
        '--host',
        card.host,
        '--port',
        String(card.port),
        '--snmp-version',
        '3',
        '--username',
        'u',
        '--snmp-sec-level',
        'authPriv',
        '--snmp-auth-prot',
        'SHA',
        '--snmp-priv-prot',
        'AES',
        '--password-file',
        authFile,
        '--timeout',
        '20',
      ],
      { env: { ...process.env, FENCEKIT_PASSWORD: '', FENCEKIT_SNMP_PRIV_PASSWORD: PRIV }, timeoutMs: 30_000 },
    );
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('plug 3 (db3): OFF\n');
    expect(r.code).toBe(0);
    expect(await outlet(3)).toBe('OFF');
  });

  it('fence_fencekit with the user on stdin, as Pacemaker passes it', async () => {
    const input = (action: string) =>
      [
        'driver=apc-snmp',
        `ip=${card.host}`,
        `ipport=${card.port}`,
        'snmp_version=3',
        'username=u',
        `password=${AUTH}`,
        'snmp_sec_level=authPriv',
        'snmp_auth_prot=SHA',
        'snmp_priv_prot=AES',
        `snmp_priv_passwd=${PRIV}`,
        'plug=3',
        `action=${action}`,
        '',
      ].join('\n');
    const off = await run(process.execPath, [FENCE_FENCEKIT], { input: input('off'), timeoutMs: 60_000 });
    expect(off.code).toBe(0);
    expect(await outlet(3)).toBe('OFF');
    const status = await run(process.execPath, [FENCE_FENCEKIT], { input: input('status'), timeoutMs: 60_000 });
    expect(status.stdout).toBe('Status: OFF\n');
    expect(status.code).toBe(2);
  });

  it('no password reaches the log, the start-up lines or the state file', async () => {
    await fence(authPriv, '3', 'off');
    await card.waitForLog((e) => e.type === 'plug' && e.plug === 3 && e.state === 'OFF');
    const said = `${card.stdout()}${card.stderr()}`;
    expect(said).toContain('fence_apc_snmp -d 3 -l u --snmp-sec-level authPriv');
    for (const secret of [AUTH, PRIV, 'flag-priv-pw']) expect(said).not.toContain(secret);
    await card.stop();
    const state = fs.readFileSync(stateFile, 'utf8');
    for (const secret of [AUTH, PRIV, 'flag-priv-pw']) expect(state).not.toContain(secret);
  });
});

describe('SNMPv3 user settings refused before anything listens', () => {
  it('a v3 user is for an APC card only', async () => {
    const r = await emulate(['--model', 'ips800', '--snmp-user', 'u']);
    expect(r.code).toBe(64);
    expect(r.stderr).toBe(
      'fencekit: --snmp-user does not apply to --model ips800 (it is for apc-rackpdu, apc-masterswitch)\n',
    );
    const file = path.join(tmp, 'ilo.json');
    fs.writeFileSync(file, JSON.stringify({ model: 'ilo4', https: '127.0.6.2:0', snmpUsers: [{ name: 'u' }] }));
    const ilo = await emulate(['--config', file]);
    expect(ilo.code).toBe(64);
    expect(ilo.stderr).toBe(
      `fencekit: ${file}: 'snmpUsers' does not apply to --model ilo4 (it is for apc-rackpdu, apc-masterswitch)\n`,
    );
  });

  it('a level without its password, a flag without --snmp-user, a short password: one line each', async () => {
    const card = ['--model', 'apc-rackpdu', '--no-telnet', '--snmp', '127.0.6.2:0'];
    const noPriv = await emulate([...card, '--snmp-user', 'u', '--snmp-sec-level', 'authPriv'], {
      FENCEKIT_SNMP_AUTH_PASSWORD: AUTH,
    });
    expect(noPriv.stderr).toBe(
      'fencekit: --snmp-user u: --snmp-sec-level authPriv needs --snmp-priv-password-file (or FENCEKIT_SNMP_PRIV_PASSWORD)\n',
    );
    expect(noPriv.code).toBe(64);
    const stray = await emulate([...card, '--snmp-auth-prot', 'SHA']);
    expect(stray.stderr).toBe('fencekit: --snmp-auth-prot needs --snmp-user\n');
    const short = await emulate([...card, '--snmp-user', 'u'], { FENCEKIT_SNMP_AUTH_PASSWORD: 'authpw' });
    expect(short.stderr).toBe(
      'fencekit: --snmp-user u: an SNMPv3 password must be at least 8 characters (RFC 3414; snmpget and fence_apc_snmp refuse shorter ones)\n',
    );
  });

  it("a config file's user with a protocol its level does not use is refused, named by its index and name", async () => {
    const file = path.join(tmp, 'bad.json');
    fs.writeFileSync(
      file,
      JSON.stringify({ model: 'apc-rackpdu', snmp: '127.0.6.2:0', snmpUsers: [{ name: 'x', privProtocol: 'AES' }] }),
    );
    const r = await emulate(['--config', file]);
    expect(r.code).toBe(64);
    expect(r.stderr).toBe(
      `fencekit: ${file}: snmpUsers[0] ('x'): 'privProtocol' does not apply to 'level' noAuthNoPriv\n`,
    );
  });

  it("DES without OpenSSL's legacy provider is refused, saying how to turn it on", async () => {
    const r = await emulate(
      ['--model', 'apc-rackpdu', '--no-telnet', '--snmp', '127.0.6.2:0', '--snmp-user', 'd', '--snmp-priv-prot', 'DES'],
      { NODE_OPTIONS: '', FENCEKIT_SNMP_AUTH_PASSWORD: AUTH, FENCEKIT_SNMP_PRIV_PASSWORD: PRIV },
    );
    expect(r.code).toBe(64);
    expect(r.stderr).toBe(
      "fencekit: SNMP user 'd': DES privacy needs OpenSSL's legacy provider (start node with --openssl-legacy-provider, e.g. NODE_OPTIONS=--openssl-legacy-provider)\n",
    );
  });
});

describe.skipIf(!available)('DES with the legacy provider', () => {
  it('fence_apc_snmp authPriv SHA/DES switches an outlet; a password in argv is warned about', async () => {
    const card = await startEmulatorProcess(
      [
        '--model',
        'apc-rackpdu',
        '--no-telnet',
        '--snmp',
        '127.0.6.1:0',
        '--snmp-user',
        'd',
        '--snmp-priv-prot',
        'DES',
        '--snmp-auth-password-file',
        authFile,
        '--snmp-priv-password',
        PRIV,
      ],
      { ...process.env, NODE_OPTIONS: '--openssl-legacy-provider', FENCEKIT_SNMP_AUTH_PASSWORD: '' },
      /^listening on (\S+):(\d+) \(snmp/m,
    );
    try {
      const warning =
        'fencekit: warning: --snmp-priv-password is visible to ps; prefer --snmp-priv-password-file or FENCEKIT_SNMP_PRIV_PASSWORD\n';
      await waitFor(() => card.stderr().includes(warning), { what: 'the warning on stderr' });
      const args = ['-d', '3', '-l', 'd', '-p', AUTH, '--snmp-sec-level', 'authPriv', '--snmp-auth-prot', 'SHA'];
      const r = await run(
        FENCE_APC_SNMP,
        [
          ...args,
          '--snmp-priv-prot',
          'DES',
          '--snmp-priv-passwd',
          PRIV,
          '-a',
          card.host,
          '-u',
          String(card.port),
        ].concat(['-n', '2', '-o', 'off']),
        { timeoutMs: 60_000 },
      );
      expect(r.stdout).toBe('Success: Powered OFF\n');
      await card.waitForLog((e) => e.type === 'plug' && e.plug === 2 && e.state === 'OFF');
    } finally {
      await card.stop();
    }
  });
});
