import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { driverFlags, type PowerFlags, settingsFromFlags } from '../../cli/driver-flags.js';
import { withDriverTable } from '../../cli/driver-table.js';
import { DRIVERS, findDriver } from '../../cli/drivers.js';
import type { DriverRegistration, DriverSettings } from '../../src/driver-registration.js';
import { UsageError } from '../../src/errors.js';
import { FENCE_FENCEKIT, FENCEKIT } from '../helpers/cli.js';
import { run } from '../helpers/run.js';

/**
 * The registry is the one list of drivers: every consumer must offer exactly
 * the drivers it holds, and every flag must be refused where it does not apply.
 */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CLI_MD = path.join(root, 'docs/cli.md');
const NAMES = DRIVERS.map((d) => d.name);

const powerHelp = async () => {
  const r = await run(process.execPath, [FENCEKIT, 'power', '--help']);
  expect(r.code).toBe(0);
  return r.stdout;
};

/** The section of `fencekit power --help` between `heading` and the next blank line. */
const helpSection = (help: string, heading: RegExp) => {
  const lines = help.split('\n');
  const start = lines.findIndex((l) => heading.test(l));
  expect(start).toBeGreaterThan(-1);
  const end = lines.findIndex((l, i) => i > start && l.trim() === '');
  return lines.slice(start + 1, end < 0 ? undefined : end);
};

/**
 * Every consumer of the registry and the driver names it offers. A new
 * consumer (the fence agent's metadata, fencekit-stonith) is one more entry.
 */
const CONSUMERS: { name: string; names(): Promise<string[]> }[] = [
  {
    name: 'fencekit power --help, Drivers section',
    names: async () =>
      helpSection(await powerHelp(), /^Drivers \(--driver\)/).flatMap(
        (l) => /^ {2}([a-z][\w-]*) {2,}/.exec(l)?.[1] ?? [],
      ),
  },
  {
    name: 'fencekit power --help, --driver option',
    names: async () => {
      const m = /--driver <driver>\s+the device's driver: ([^(]+)\(/.exec((await powerHelp()).replace(/\s+/g, ' '));
      return (m?.[1] ?? '').split(',').map((s) => s.trim());
    },
  },
  {
    name: 'the driver table of docs/cli.md',
    names: async () => {
      const region = fs.readFileSync(CLI_MD, 'utf8').split('<!-- drivers:begin')[1]?.split('<!-- drivers:end')[0] ?? '';
      return region.split('\n').flatMap((l) => /^\| `([a-z][\w-]*)` \|/.exec(l)?.[1] ?? []);
    },
  },
  {
    name: 'findDriver',
    names: async () => NAMES.map((n) => findDriver(n).name),
  },
  {
    name: 'fence_fencekit metadata, the driver parameter',
    names: async () => {
      const r = await run(process.execPath, [FENCE_FENCEKIT], { input: 'action=metadata\n' });
      const block = r.stdout.split('<parameter name="driver"')[1]?.split('</parameter>')[0] ?? '';
      return [...block.matchAll(/<option value="([^"]+)" \/>/g)].map((m) => m[1] as string);
    },
  },
  {
    name: 'fence_fencekit --help, --driver',
    names: async () => {
      const r = await run(process.execPath, [FENCE_FENCEKIT, '--help']);
      const line = r.stdout.split('\n').find((l) => /--driver/.test(l)) ?? '';
      // "fencekit driver: wti (…); apc (…); …": the word before each description.
      return (line.split('fencekit driver: ')[1] ?? '').split('); ').map((entry) => entry.split(' ')[0] as string);
    },
  },
];

describe('the driver registry', () => {
  it('has unique names, and options with the fields consumers read', () => {
    expect(new Set(NAMES).size).toBe(NAMES.length);
    for (const d of DRIVERS) {
      expect(d.summary, d.name).not.toBe('');
      expect(d.examples.length, d.name).toBeGreaterThan(0);
      for (const t of d.transports) if (t !== 'serial') expect(d.defaultPort[t], `${d.name} ${t}`).toBeGreaterThan(0);
      for (const o of d.options) {
        expect(o.help, `${d.name} --${o.flag}`).not.toBe('');
        expect(o.agentName, `${d.name} --${o.flag}`).toMatch(/^[a-z][a-z0-9_]*$/);
        expect(o.flag, `${d.name} ${o.key}`).toMatch(/^[a-z][a-z0-9-]*$/);
        if (o.kind === 'choice') expect(o.choices?.length, `${d.name} --${o.flag}`).toBeGreaterThan(1);
        if (o.default !== undefined && o.choices) expect(o.choices).toContain(o.default);
        for (const t of o.transports ?? []) expect(d.transports).toContain(t);
      }
    }
  });

  it.each(CONSUMERS.map((c) => [c.name, c] as const))(
    '%s offers exactly the registered drivers',
    async (_, consumer) => {
      expect(await consumer.names()).toEqual(NAMES);
    },
  );

  it('findDriver refuses an unknown name, listing the known ones', () => {
    expect(() => findDriver('nosuch')).toThrow(UsageError);
    expect(() => findDriver('nosuch')).toThrow(`unknown driver 'nosuch' (known: ${NAMES.join(', ')})`);
  });

  it('the help shows each driver default ports, flags and an example', async () => {
    const help = await powerHelp();
    for (const d of DRIVERS) {
      const row = helpSection(help, /^Drivers/)
        .join('\n')
        .split(new RegExp(`^ {2}${d.name} {2,}`, 'm'))[1]
        ?.split(/^ {2}\S/m)[0];
      expect(row, d.name).toBeDefined();
      for (const t of d.transports) {
        const port = d.defaultPort[t];
        if (port !== undefined) expect(row?.replace(/\s+/g, ' '), d.name).toContain(`${port} (${t})`);
      }
      for (const o of d.options) expect(row, d.name).toContain(`--${o.flag}`);
      expect(help).toContain(d.examples[0]);
    }
  });

  it('the driver table in docs/cli.md is the one the registry makes (npm run docs:drivers)', () => {
    const doc = fs.readFileSync(CLI_MD, 'utf8');
    expect(withDriverTable(doc)).toBe(doc);
  });

  it('listing the drivers loads no driver and no SSH, SNMP, XML or serial library', async () => {
    // A resolve hook that fails the import of anything heavy: the child exits non-zero if the registry pulls one in.
    const hook = `data:text/javascript,${encodeURIComponent(
      `export async function resolve(s, c, next) {
        const r = await next(s, c);
        if (/node_modules\\/(ssh2|net-snmp|fast-xml-parser|serialport)\\/|\\/drivers\\/\\w+\\/(?!registration)[\\w-]+\\.js$/.test(r.url)) throw new Error('loaded ' + r.url);
        return r;
      }`,
    )}`;
    const drivers = pathToFileURL(path.join(root, 'dist/cli/drivers.js')).href;
    const script = `import { register } from 'node:module';
      register(${JSON.stringify(hook)});
      const { DRIVERS } = await import(${JSON.stringify(drivers)});
      console.log(DRIVERS.map((d) => d.name).join(','));`;
    const r = await run(process.execPath, ['--input-type=module', '-e', script]);
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe(NAMES.join(','));
  });
});

describe('fencekit power refuses flags that do not apply', () => {
  it('a flag of another driver: one line naming the flag and the driver, exit 64, nothing dialled', async () => {
    const r = await run(process.execPath, [
      FENCEKIT,
      'power',
      'status',
      '1',
      '--driver',
      'wti',
      '--host',
      '127.0.0.1',
      '--community',
      'x',
    ]);
    expect(r.code).toBe(64);
    expect(r.stderr).toBe('fencekit: --community does not apply to --driver wti (it is for apc-snmp)\n');
    expect(r.stdout).toBe('');
  });

  it('a flag of another transport of the same driver', async () => {
    const r = await run(process.execPath, [
      FENCEKIT,
      'power',
      'status',
      '1',
      '--driver',
      'apc',
      '--host',
      '127.0.0.1',
      '--username',
      'apc',
      '--host-key',
      'SHA256:x',
    ]);
    expect(r.code).toBe(64);
    expect(r.stderr).toBe('fencekit: --host-key does not apply to --driver apc over telnet (it is for ssh)\n');
  });

  it('an unknown flag or driver exits 64 too', async () => {
    const flag = await run(process.execPath, [
      FENCEKIT,
      'power',
      'status',
      '1',
      '--driver',
      'wti',
      '--host',
      '127.0.0.1',
      '--bogus',
    ]);
    expect(flag.code).toBe(64);
    expect(flag.stderr).toContain("unknown option '--bogus'");
    const driver = await run(process.execPath, [
      FENCEKIT,
      'power',
      'status',
      '1',
      '--driver',
      'nosuch',
      '--host',
      '127.0.0.1',
    ]);
    expect(driver.code).toBe(64);
    expect(driver.stderr).toBe(`fencekit: unknown driver 'nosuch' (known: ${NAMES.join(', ')})\n`);
  });

  const flagValue = (kind: string) => (kind === 'boolean' ? true : 'x');
  const cases = driverFlags().flatMap((f) =>
    DRIVERS.filter((d) => !f.uses.some((u) => u.driver === d)).map((d) => [f.flag, d.name, f, d] as const),
  );
  it.each(cases)('--%s is refused for --driver %s', (flag, name, f, d) => {
    const flags: PowerFlags = { driver: name, host: '127.0.0.1', [f.attribute]: flagValue(f.kind) };
    expect(() => settingsFromFlags(d, flags, {})).toThrow(
      new RegExp(`^--${flag} does not apply to --driver ${name} \\(it is for `),
    );
  });

  it('--serial and --baud only where a serial transport exists', () => {
    for (const d of DRIVERS.filter((x) => !x.transports.includes('serial'))) {
      expect(() => settingsFromFlags(d, { driver: d.name, serial: '/dev/ttyS0' }, {})).toThrow(
        `--serial does not apply to --driver ${d.name}`,
      );
    }
    const wti = findDriver('wti');
    expect(() => settingsFromFlags(wti, { driver: 'wti', host: 'h', baud: '9600' }, {})).toThrow(
      '--baud does not apply to --driver wti over telnet',
    );
    expect(settingsFromFlags(wti, { driver: 'wti', serial: '/dev/ttyS0', baud: '9600' }, {})).toMatchObject({
      serial: '/dev/ttyS0',
      baud: 9600,
    });
  });
});

describe('driver settings to switches (no device needed: create only validates and builds)', () => {
  const settings = (extra: DriverSettings['extra'], more: Partial<DriverSettings> = {}): DriverSettings => ({
    host: '127.0.0.1',
    extra,
    ...more,
  });
  const create = (name: string, s: DriverSettings) => findDriver(name).create(s);
  const refuses = (name: string, s: DriverSettings, message: string) =>
    expect(create(name, s)).rejects.toThrow(message);

  it('each driver builds a switch from ordinary settings', async () => {
    const ok: Record<string, DriverSettings> = {
      wti: settings({}, { password: 'pw' }),
      apc: settings({ ssh: true, insecure: true }, { username: 'apc', password: 'pw' }),
      'apc-snmp': settings(
        { snmpVersion: '3', snmpSecLevel: 'authPriv', snmpPrivPassword: 'priv' },
        { username: 'u', password: 'auth' },
      ),
      ilo: settings({ method: 'button', insecure: true }, { password: 'pw' }),
      'ilo-ssh': settings({ hostKey: 'SHA256:abc' }, { password: 'pw' }),
      redfish: settings({}, { password: 'pw' }),
    };
    expect(Object.keys(ok)).toEqual(NAMES);
    for (const d of DRIVERS as DriverRegistration[]) {
      const sw = await d.create(ok[d.name] as DriverSettings);
      expect(typeof sw.status, d.name).toBe('function');
      await sw.close();
    }
  });

  it('refuses bad values with one line naming the flag', async () => {
    await refuses('apc', settings({ mode: 'gui' }, { username: 'apc' }), "--mode 'gui' is not auto, menu or cli");
    await refuses('apc', settings({}), 'the apc driver needs --username');
    await refuses(
      'apc',
      settings({ ssh: true, insecure: true, hostKey: 'SHA256:x' }, { username: 'a' }),
      'give either --host-key or --insecure',
    );
    await refuses('ilo', settings({ method: 'kick' }), "--method 'kick' is not power or button");
    await refuses('ilo', settings({ ca: '/nonexistent/ca.pem' }), 'cannot read --ca /nonexistent/ca.pem');
    await refuses('redfish', settings({}, { host: undefined }), 'the redfish driver needs --host');
    await refuses('wti', settings({}, { serial: '/dev/ttyS0' }), 'the wti driver needs either --host or --serial');
    await refuses('apc-snmp', settings({ snmpVersion: '4' }), "--snmp-version '4' is not 1, 2c or 3");
  });

  it('SNMPv3: the user, the level and the keys it needs', async () => {
    const v3 = (extra: DriverSettings['extra'], more: Partial<DriverSettings> = {}) =>
      settings({ snmpVersion: '3', ...extra }, { username: 'fence', password: 'auth-pass', ...more });
    await refuses('apc-snmp', v3({}, { username: undefined }), '--snmp-version 3 needs --username');
    await refuses(
      'apc-snmp',
      v3({ snmpSecLevel: 'authPriv' }),
      '--snmp-sec-level authPriv needs --snmp-priv-password-file or FENCEKIT_SNMP_PRIV_PASSWORD',
    );
    await refuses(
      'apc-snmp',
      v3({ snmpSecLevel: 'authNoPriv' }, { password: undefined }),
      '--snmp-sec-level authNoPriv needs a password',
    );
    await refuses(
      'apc-snmp',
      v3({ snmpSecLevel: 'noAuthNoPriv', snmpAuthProt: 'MD5' }),
      '--snmp-auth-prot does not apply to --snmp-sec-level noAuthNoPriv',
    );
    await refuses(
      'apc-snmp',
      v3({ snmpPrivProt: 'DES' }),
      '--snmp-priv-prot does not apply to --snmp-sec-level authNoPriv',
    );
    await refuses('apc-snmp', v3({ community: 'private' }), '--community is for --snmp-version 1 or 2c');
    await refuses('apc-snmp', settings({ snmpSecLevel: 'authPriv' }), '--snmp-sec-level is for --snmp-version 3');
    await refuses('apc-snmp', v3({ snmpAuthProt: 'SHA512' }), "--snmp-auth-prot 'SHA512' is not MD5 or SHA");
  });
});
