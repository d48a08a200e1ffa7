import { describe, expect, it } from 'vitest';
import { DRIVERS, findDriver } from '../../cli/drivers.js';
import { metadataXml } from '../../cli/fence-agent/metadata.js';
import { optionTable } from '../../cli/fence-agent/options.js';
import { parseArgv, parseStdin } from '../../cli/fence-agent/parse.js';
import { resolveRequest } from '../../cli/fence-agent/request.js';

/**
 * fence_fencekit's option handling, fed as Pacemaker and a person would feed
 * it: stdin lines, GNU-style arguments, and the settings a driver receives.
 * No device is involved.
 */
const table = optionTable(DRIVERS);
const resolve = (stdin: string) => {
  const warnings: string[] = [];
  const { values } = parseStdin(stdin, table);
  const req = resolveRequest(values, table, findDriver, values.get('password'), (w) => warnings.push(w));
  return { req, warnings };
};

describe('fence_fencekit options', () => {
  it('reads stdin as fence-agents does: trimmed lines, comments, quotes, legacy names', () => {
    const { values, warnings } = parseStdin(
      '  # a comment\n\ndriver=wti\nipaddr="10.0.0.5"\nlogin=admin\npasswd=a=b\nport=mclaws\naction=off\nnodename=node2\nbogus=secret\n',
      table,
    );
    expect(Object.fromEntries(values)).toEqual({
      driver: 'wti',
      ip: '10.0.0.5',
      username: 'admin',
      password: 'a=b',
      plug: 'mclaws',
      action: 'off',
    });
    expect(warnings).toEqual(["Parse error: Ignoring unknown option 'bogus'"]);
  });

  it('sets a flag with 1/yes/on/true and clears it with 0/no/off/false', () => {
    expect(parseStdin('ssh=yes\n', table).values.get('ssh')).toBe('1');
    expect(parseStdin('ssh=1\nssh=0\n', table).values.has('ssh')).toBe(false);
    expect(parseStdin('secure=on\n', table).values.get('ssh')).toBe('1');
  });

  it('parses GNU-style options: short, long with = or a separate value, clusters', () => {
    const { values, warnings } = parseArgv(
      ['-a', '10.0.0.5', '--ipport=2323', '-n5', '--driver', 'wti', '-vq', 'extra'],
      table,
    );
    expect(Object.fromEntries(values)).toEqual({
      ip: '10.0.0.5',
      ipport: '2323',
      plug: '5',
      driver: 'wti',
      verbose: '1',
      quiet: '1',
    });
    expect(warnings).toEqual(['Unused arguments on the command line: extra']);
    expect(() => parseArgv(['--no-such'], table)).toThrow(/unrecognized option '--no-such'/);
  });

  it("gives the driver its own options by their agent names, and the driver's default port", () => {
    const { req } = resolve(
      'driver=apc-snmp\nip=10.0.0.9\nusername=fence\npassword=p\nsnmp_version=3\nsnmp_auth_prot=sha\nsnmp_priv_prot=AES\nsnmp_priv_passwd=q\nplug=3\naction=status\n',
    );
    expect(req.settings).toMatchObject({ host: '10.0.0.9', port: 161, username: 'fence', password: 'p' });
    expect(req.settings.extra).toEqual({
      snmpVersion: '3',
      snmpAuthProt: 'SHA',
      snmpPrivProt: 'AES',
      snmpPrivPassword: 'q',
    });
    expect(req.plugs).toEqual(['3']);
  });

  it('a one-server board needs no plug; a WTI on a serial line needs no address', () => {
    expect(resolve('driver=redfish\nip=10.0.0.7\npassword=p\naction=reboot\n').req.plugs).toEqual(['1']);
    const serial = resolve('driver=wti\nserial_port=/dev/ttyS0\nbaud=19200\nplug=2\naction=status\n').req.settings;
    expect(serial).toMatchObject({ serial: '/dev/ttyS0', baud: 19200, host: undefined, port: undefined });
  });

  it("says what is missing, in fence-agents' words", () => {
    expect(() => resolve('driver=wti\nplug=1\n')).toThrow('You have to enter fence address');
    expect(() => resolve('driver=wti\nip=10.0.0.5\naction=off\n')).toThrow(
      'You have to enter plug number or machine identification',
    );
    expect(() => resolve('ip=10.0.0.5\nplug=1\n')).toThrow(/choose a driver/);
    expect(() => resolve('driver=apc-snmp\nip=10.0.0.5\nplug=1\nsnmp_version=4\n')).toThrow(/snmp_version '4'/);
    expect(() => resolve('driver=apc\nserial_port=/dev/ttyS0\nplug=1\n')).toThrow(/no serial transport/);
  });

  it('warns, and goes on, when an option belongs to another driver', () => {
    const { warnings } = resolve('driver=wti\nip=10.0.0.5\nplug=1\nssl_insecure=1\n');
    expect(warnings).toEqual([expect.stringMatching(/^ssl_insecure is ignored by the wti driver/)]);
  });

  it('metadata names every registered driver option once, and each legacy name twice', () => {
    const xml = metadataXml(table);
    for (const d of DRIVERS) for (const o of d.options) expect(xml).toContain(`<parameter name="${o.agentName}"`);
    expect(xml.match(/<parameter name="ip"/g)).toHaveLength(1);
    expect(xml).toContain('<parameter name="ipaddr" unique="0" required="0" deprecated="1">');
    expect(xml).toContain('<parameter name="ip" unique="0" required="0" obsoletes="ipaddr">');
    expect(xml).toContain('<parameter name="action" unique="0" required="1">');
    expect(xml).not.toContain('name="option"');
    expect(xml).toContain('<content type="second" default="20"  />');
  });
});
