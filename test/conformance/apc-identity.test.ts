import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApcSnmpSwitch } from '../../drivers/apc/apc-snmp.js';
import type { ApcFirmware, ApcModel } from '../../emulator/apc/apc-device.js';
import { ApcEmulator } from '../../emulator/apc-emulator.js';
import { RawClient } from '../helpers/raw-client.js';
import { peer, run } from '../helpers/run.js';

/**
 * Each APC personality is one real unit: what its telnet banner says, what
 * SNMP says in sysDescr, sysObjectID and the identity objects of every MIB
 * generation it serves, and the table class fence_apc_snmp picks from the
 * sysObjectID must all name the same unit. Read with the real net-snmp tools
 * and the real fence_apc_snmp, not through the emulator's own tables.
 * Addresses 127.0.4.20–22 (telnet and UDP on port 0).
 */
const SNMPGET = '/usr/bin/snmpget';
const SNMPWALK = '/usr/bin/snmpwalk';
const FENCE_APC_SNMP = '/usr/sbin/fence_apc_snmp';
const FENCE_APC = '/usr/sbin/fence_apc';
const available = [SNMPGET, SNMPWALK, FENCE_APC_SNMP, FENCE_APC].every((p) => peer(p).available);

const SPDU_IDENT = '.1.3.6.1.4.1.318.1.1.4.1';
const RPDU_IDENT = '.1.3.6.1.4.1.318.1.1.12.1';
const RPDU2_IDENT = '.1.3.6.1.4.1.318.1.1.26.2.1';
/** PowerNet-MIB's product IDs (masterSwitch branch). */
const ID = {
  masterSwitchV2: '.1.3.6.1.4.1.318.1.3.4.2',
  masterSwitchrPDU: '.1.3.6.1.4.1.318.1.3.4.5',
  masterSwitchrPDU2: '.1.3.6.1.4.1.318.1.3.4.6',
};

interface Expected {
  name: string;
  model: ApcModel;
  firmware: ApcFirmware;
  address: string;
  /** The unit, as chosen with evidence (docs/apc.md "Which real unit"). */
  unit: string;
  aos: string;
  app: string;
  appName: string;
  sysObjectID: string;
  generations: { sPDU: boolean; rPDU: boolean; rPDU2: boolean };
  /** fence_apc_snmp's class for that sysObjectID, as its -v log names it. */
  fenceClass: string;
  /** The fencekit SNMP driver's tables for it (drivers/apc/snmp-tables.ts), the same choice. */
  driverTables: string;
  outlets: number;
}

const PERSONALITIES: Expected[] = [
  {
    name: 'Rack PDU menu, AOS v2.7',
    model: 'apc-rackpdu',
    firmware: '2.7',
    address: '127.0.4.20',
    unit: 'AP7930',
    aos: 'v2.7.0',
    app: 'v2.7.3',
    appName: 'Rack PDU APP',
    sysObjectID: ID.masterSwitchrPDU,
    generations: { sPDU: true, rPDU: true, rPDU2: false },
    fenceClass: 'APC rPDU',
    driverTables: 'Rack PDU',
    outlets: 24,
  },
  {
    name: '2G Rack PDU command line, AOS v6.4',
    model: 'apc-rackpdu',
    firmware: '6.4',
    address: '127.0.4.21',
    unit: 'AP8959',
    aos: 'v6.4.6',
    app: 'v6.4.6',
    appName: 'RPDU 2g APP',
    sysObjectID: ID.masterSwitchrPDU2,
    generations: { sPDU: true, rPDU: true, rPDU2: true },
    fenceClass: 'APC Master Switch with firmware v6.x',
    driverTables: 'MasterSwitch (firmware 6)',
    outlets: 24,
  },
  {
    name: 'AP9211 MasterSwitch',
    model: 'apc-masterswitch',
    firmware: '2.7',
    address: '127.0.4.22',
    unit: 'AP9211',
    aos: 'v2.2.0',
    app: 'v2.2.0',
    appName: 'MasterSwitch APP',
    sysObjectID: ID.masterSwitchV2,
    generations: { sPDU: true, rPDU: false, rPDU2: false },
    fenceClass: 'APC Master Switch (fallback)',
    driverTables: 'MasterSwitch',
    outlets: 8,
  },
];

/** `-Oqv`-style values of a walk, by OID (numeric, leading dot). */
async function walk(target: string, oid: string): Promise<Map<string, string>> {
  const r = await run(SNMPWALK, ['-m', '', '-On', '-Oq', '-v2c', '-c', 'public', target, oid], { timeoutMs: 15_000 });
  expect(r.code).toBe(0);
  const values = new Map<string, string>();
  for (const line of r.stdout.trim().split('\n')) {
    const at = line.indexOf(' ');
    if (at > 0) values.set(line.slice(0, at), line.slice(at + 1).replace(/^"(.*)"$/, '$1'));
  }
  return values;
}

for (const p of PERSONALITIES) {
  describe.skipIf(!available)(`${p.name}: banner, sysDescr, sysObjectID and identity objects name one unit`, () => {
    let emulator: ApcEmulator;
    let target: string;
    let banner: string;

    beforeAll(async () => {
      emulator = await ApcEmulator.start({
        config: {
          model: p.model,
          firmware: p.firmware,
          listen: `${p.address}:0`,
          snmp: `${p.address}:0`,
          username: 'apc',
          password: 'apc',
          role: 'admin',
        },
      });
      target = `${p.address}:${emulator.snmp?.address.port}`;
      const client = await RawClient.connect(p.address, emulator.telnet?.address.port ?? 0);
      try {
        await client.expect('User Name : ');
        client.send('apc\r');
        await client.expect('Password  : ');
        client.send('apc\r');
        await client.expect(/Communication Established|apc>/, 5000);
        banner = client.plain;
      } finally {
        client.close();
      }
    });
    afterAll(() => emulator.stop());

    it(`the banner names ${p.unit}'s firmware: AOS ${p.aos}, ${p.appName} ${p.app}`, () => {
      const lines = banner.split(/\r\n|\n\r|\r|\n/).filter((l) => l !== '');
      const first = lines.findIndex((l) => l.includes(' AOS '));
      expect(lines[first]).toMatch(new RegExp(` AOS +${p.aos.replaceAll('.', '\\.')}$`));
      expect(lines[first + 1]).toMatch(new RegExp(`${p.appName} +${p.app.replaceAll('.', '\\.')}$`));
      expect(banner.includes('RPDU 2g')).toBe(p.generations.rPDU2);
    });

    it(`sysObjectID is ${p.sysObjectID} and sysDescr names ${p.unit} with the banner's versions`, async () => {
      const system = await walk(target, '.1.3.6.1.2.1.1');
      expect(system.get('.1.3.6.1.2.1.1.2.0')).toBe(p.sysObjectID);
      const descr = system.get('.1.3.6.1.2.1.1.1.0') ?? '';
      if (p.model === 'apc-masterswitch') {
        expect(descr).toMatch(new RegExp(`\\(SW ${p.aos}, .*Mod: ${p.unit}, `));
      } else {
        expect(descr).toContain(` PF:${p.aos} `);
        expect(descr).toContain(` AF1:${p.app} `);
        expect(descr).toContain(` MN:${p.unit} `);
        expect(descr.includes('rpdu2g')).toBe(p.generations.rPDU2);
      }
    });

    it('every identity object of every MIB generation served names the same unit, serial and firmware', async () => {
      const system = await walk(target, '.1.3.6.1.2.1.1');
      const descr = system.get('.1.3.6.1.2.1.1.1.0') ?? '';
      const serial = /SN: (\w+)/.exec(descr)?.[1];
      const made = /(?:MD:|Mfg )(\d\d\/\d\d\/\d{4})/.exec(descr)?.[1];
      expect(serial).toBeDefined();
      const s = await walk(target, SPDU_IDENT);
      const r = await walk(target, RPDU_IDENT);
      const r2 = await walk(target, RPDU2_IDENT);
      // A walk past the end of a generation runs into the next one: look at the exact OIDs.
      expect(s.get(`${SPDU_IDENT}.4.0`)).toBe(p.unit);
      expect(s.get(`${SPDU_IDENT}.2.0`)).toBe(p.app);
      expect(s.get(`${SPDU_IDENT}.5.0`)).toBe(serial);
      expect(s.get(`${SPDU_IDENT}.3.0`)).toBe(made);
      expect(r.has(`${RPDU_IDENT}.5.0`)).toBe(p.generations.rPDU);
      if (p.generations.rPDU) {
        expect(r.get(`${RPDU_IDENT}.5.0`)).toBe(p.unit);
        expect(r.get(`${RPDU_IDENT}.3.0`)).toBe(p.app);
        expect(r.get(`${RPDU_IDENT}.6.0`)).toBe(serial);
        expect(r.get(`${RPDU_IDENT}.4.0`)).toBe(made);
      }
      expect(r2.has(`${RPDU2_IDENT}.8.1`)).toBe(p.generations.rPDU2);
      if (p.generations.rPDU2) {
        expect(r2.get(`${RPDU2_IDENT}.8.1`)).toBe(p.unit);
        expect(r2.get(`${RPDU2_IDENT}.6.1`)).toBe(p.app);
        expect(r2.get(`${RPDU2_IDENT}.9.1`)).toBe(serial);
      }
    });

    it(`fence_apc_snmp picks its "${p.fenceClass}" class from the sysObjectID and reads outlet 1 as on (v1 and v2c)`, async () => {
      for (const version of ['1', '2c']) {
        const port = String(emulator.snmp?.address.port);
        const r = await run(
          FENCE_APC_SNMP,
          ['-a', p.address, '-u', port, '-d', version, '-c', 'private', '-n', '1', '-o', 'status', '-v'],
          { timeoutMs: 60_000 },
        );
        expect(r.stdout).toContain('Status: ON');
        expect(r.code).toBe(0);
        expect(`${r.stdout}${r.stderr}`).toContain(`Trying ${p.fenceClass}`);
      }
    });

    it("fence_apc -v shows the telnet client's escape line once: the card does not print it", async () => {
      const port = String(emulator.telnet?.address.port);
      const r = await run(
        FENCE_APC,
        ['-a', p.address, '-u', port, '-l', 'apc', '-p', 'apc', '-n', '1', '-o', 'status', '-v'],
        {
          timeoutMs: 60_000,
        },
      );
      const log = `${r.stdout}${r.stderr}`;
      expect(log).toContain('Connected to');
      expect(log.split("Escape character is '^]'.")).toHaveLength(2);
    });

    it(`the fencekit SNMP driver picks the same tables (${p.driverTables}) and lists the unit's ${p.outlets} outlets`, async () => {
      const sw = createApcSnmpSwitch({ host: p.address, port: emulator.snmp?.address.port, community: 'private' });
      const plugs = await sw.list();
      expect(sw.tables).toBe(p.driverTables);
      expect(plugs).toHaveLength(p.outlets);
      expect(await sw.off(3)).toMatchObject([{ plug: 3, state: 'off' }]);
      await sw.on(3);
      expect(emulator.device.bank.get(3)?.state).toBe('ON');
    });

    it('fence_apc_snmp switches outlet 2 off and on through the tables of that class (v1, then v2c)', async () => {
      const port = String(emulator.snmp?.address.port);
      const fence = (version: string, action: string) =>
        run(FENCE_APC_SNMP, ['-a', p.address, '-u', port, '-d', version, '-c', 'private', '-n', '2', '-o', action], {
          timeoutMs: 60_000,
        });
      for (const version of ['1', '2c']) {
        expect((await fence(version, 'off')).code).toBe(0);
        expect(emulator.device.bank.get(2)?.state).toBe('OFF');
        expect((await fence(version, 'on')).code).toBe(0);
        expect(emulator.device.bank.get(2)?.state).toBe('ON');
      }
    });
  });
}
