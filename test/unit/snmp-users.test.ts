import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { snmpUserFromFlags } from '../../cli/emulate-snmp-user.js';
import { checkSnmpUsers, deviceSnmpUsers, mergeSnmpUsers } from '../../emulator/apc/snmp-users.js';
import { ApcEmulator } from '../../emulator/apc-emulator.js';
import { validateConfig } from '../../emulator/config.js';

/**
 * An APC card's SNMPv3 users as the config file and the flags give them:
 * the level each gets, the keys the card holds, and the one-line refusals.
 * No socket: the real clients' tests are in test/conformance/snmpv3.test.ts.
 */
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'fencekit-snmp-users-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('snmpUsers in a config file', () => {
  it('the level follows the passwords given, the protocols default to SHA and AES, any case taken', () => {
    const users = checkSnmpUsers(
      [
        { name: 'a', authPassword: 'authpass', privPassword: 'privpass' },
        { name: 'b', authPassword: 'authpass', authProtocol: 'md5' },
        { name: 'c' },
      ],
      'cfg.json',
    );
    expect(users.map((u) => [u.name, u.level, u.authProtocol, u.privProtocol])).toEqual([
      ['a', 'authPriv', 'SHA', 'AES'],
      ['b', 'authNoPriv', 'MD5', undefined],
      ['c', 'noAuthNoPriv', undefined, undefined],
    ]);
    expect(deviceSnmpUsers(users)).toEqual([
      { name: 'a', authProtocol: 'sha', authKey: 'authpass', privProtocol: 'aes', privKey: 'privpass' },
      { name: 'b', authProtocol: 'md5', authKey: 'authpass' },
      { name: 'c' },
    ]);
  });

  it.each([
    [[{ name: 'u', level: 'authPriv', authPassword: 'authpass' }], "needs 'privPassword' or 'privPasswordFile'"],
    [
      [{ name: 'u', level: 'authNoPriv', authPassword: 'authpass', privProtocol: 'AES' }],
      "'privProtocol' does not apply",
    ],
    [[{ name: 'u', authProtocol: 'SHA256', authPassword: 'authpass' }], "'authProtocol' must be MD5 or SHA"],
    [[{ name: 'u', authPassword: 'short' }], 'at least 8 characters'],
    [[{ name: 'u', authPassword: 'authpass', authPasswordFile: 'f' }], 'not both'],
    [[{ name: 'u' }, { name: 'u' }], "user 'u' is given twice"],
    [[{ name: 'u', secret: 'x' }], "unknown setting 'secret'"],
    [{ name: 'u' }, 'must be a list of users'],
  ])('refuses %j', (users, message) => {
    expect(() => validateConfig({ snmpUsers: users }, 'cfg.json')).toThrow(message);
  });

  it('reads a password file once, dropping one line end, and refuses a short one', () => {
    const good = path.join(tmp, 'good.pw');
    const short = path.join(tmp, 'short.pw');
    fs.writeFileSync(good, 'from-the-file\n');
    fs.writeFileSync(short, 'abc\n');
    const [user] = deviceSnmpUsers(checkSnmpUsers([{ name: 'f', authPasswordFile: good }], 'cfg.json'));
    expect(user?.authKey).toBe('from-the-file');
    expect(() => deviceSnmpUsers(checkSnmpUsers([{ name: 'f', authPasswordFile: short }], 'cfg.json'))).toThrow(
      `SNMP user 'f': ${short}: an SNMPv3 password must be at least 8 characters`,
    );
  });

  it("a flag's user replaces a config user of the same name and keeps the others", () => {
    expect(mergeSnmpUsers([{ name: 'a' }, { name: 'b' }], [{ name: 'a', authKey: 'authpass' }])).toEqual([
      { name: 'b' },
      { name: 'a', authKey: 'authpass' },
    ]);
  });

  it('a library caller gets the same users on the card, and the same checks', async () => {
    const apc = await ApcEmulator.start({
      config: {
        model: 'apc-rackpdu',
        listen: null,
        snmpUsers: [{ name: 'lib', authPassword: 'authpass' }],
      },
    });
    try {
      expect(apc.device.snmpUsers).toEqual([{ name: 'lib', authProtocol: 'sha', authKey: 'authpass' }]);
    } finally {
      await apc.stop();
    }
    await expect(
      ApcEmulator.start({
        config: { model: 'apc-rackpdu', listen: null, snmpUsers: [{ name: 'x', level: 'authPriv' }] },
      }),
    ).rejects.toThrow("needs 'authPassword' or 'authPasswordFile'");
  });
});

describe('--snmp-user and its flags', () => {
  const warnings: string[] = [];
  const fromFlags = (flags: Parameters<typeof snmpUserFromFlags>[0], env: NodeJS.ProcessEnv = {}) =>
    snmpUserFromFlags(flags, env, (line) => warnings.push(line));

  it('takes the passwords from the environment, and a file as an absolute path for the unit to read', () => {
    expect(
      fromFlags(
        { snmpUser: 'u' },
        { FENCEKIT_SNMP_AUTH_PASSWORD: 'authpass', FENCEKIT_SNMP_PRIV_PASSWORD: 'privpass' },
      ),
    ).toEqual({
      name: 'u',
      level: 'authPriv',
      authProtocol: 'SHA',
      authPassword: 'authpass',
      privProtocol: 'AES',
      privPassword: 'privpass',
    });
    expect(fromFlags({ snmpUser: 'u', snmpAuthPasswordFile: 'auth.pw' })?.authPasswordFile).toBe(
      path.resolve('auth.pw'),
    );
    expect(warnings).toEqual([]);
  });

  it('leaves alone a variable the level asked for does not use', () => {
    const env = { FENCEKIT_SNMP_AUTH_PASSWORD: 'authpass', FENCEKIT_SNMP_PRIV_PASSWORD: 'privpass' };
    expect(fromFlags({ snmpUser: 'u', snmpSecLevel: 'authNoPriv' }, env)).toEqual({
      name: 'u',
      level: 'authNoPriv',
      authProtocol: 'SHA',
      authPassword: 'authpass',
    });
    expect(fromFlags({ snmpUser: 'u', snmpSecLevel: 'noAuthNoPriv' }, env)).toEqual({
      name: 'u',
      level: 'noAuthNoPriv',
    });
  });

  it('warns of a password in argv, and refuses a flag file the level does not use', () => {
    fromFlags({ snmpUser: 'u', snmpAuthPassword: 'authpass' });
    expect(warnings.splice(0)).toEqual([
      'warning: --snmp-auth-password is visible to ps; prefer --snmp-auth-password-file or FENCEKIT_SNMP_AUTH_PASSWORD',
    ]);
    expect(() =>
      fromFlags({ snmpUser: 'u', snmpSecLevel: 'authNoPriv', snmpAuthPassword: 'authpass', snmpPrivPasswordFile: 'p' }),
    ).toThrow(
      '--snmp-user u: --snmp-priv-password-file (or FENCEKIT_SNMP_PRIV_PASSWORD) does not apply to --snmp-sec-level authNoPriv',
    );
    expect(() => fromFlags({ snmpUser: 'u', snmpAuthPassword: 'a', snmpAuthPasswordFile: 'f' })).toThrow(
      'give either --snmp-auth-password or --snmp-auth-password-file, not both',
    );
  });
});
