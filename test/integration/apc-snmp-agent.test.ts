import snmp from 'net-snmp';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApcDevice } from '../../emulator/apc/apc-device.js';
import { ApcSnmpAgent } from '../../emulator/apc/snmp-agent.js';
import type { ApcEmulator } from '../../emulator/apc-emulator.js';
import type { Timestamped } from '../../emulator/events.js';
import { realScheduler } from '../../emulator/model/scheduler.js';
import { peer, run } from '../helpers/run.js';
import { startApc } from '../helpers/units.js';

/**
 * The APC card's SNMP agent driven by net-snmp's command-line tools (the
 * `snmp` Debian package) and by the net-snmp npm client: every table, SETs
 * that switch the outlets, the error each bad SET gets in v1 and v2c, and v3
 * users. Addresses 127.0.0.130–133, UDP port 0.
 */
const SNMPGET = '/usr/bin/snmpget';
const SNMPSET = '/usr/bin/snmpset';
const SNMPWALK = '/usr/bin/snmpwalk';
const SNMPBULKWALK = '/usr/bin/snmpbulkwalk';
const available = [SNMPGET, SNMPSET, SNMPWALK, SNMPBULKWALK].every((p) => peer(p).available);

const RPDU = '.1.3.6.1.4.1.318.1.1.12';
const SPDU = '.1.3.6.1.4.1.318.1.1.4';
const CONTROL = `${RPDU}.3.3.1.1.4`;
const CONFIG_NAME = `${RPDU}.3.4.1.1.2`;
const REBOOT_DURATION = `${RPDU}.3.4.1.1.6`;
const STATE = `${RPDU}.3.5.1.1.4`;
const PENDING = `${RPDU}.3.5.1.1.5`;

const V1 = ['-v1', '-c', 'private'];
const V2C = ['-v2c', '-c', 'private'];
const V1_READ = ['-v1', '-c', 'public'];
const V2C_READ = ['-v2c', '-c', 'public'];
const V3 = [
  '-v3',
  '-u',
  'fence',
  '-l',
  'authPriv',
  '-a',
  'SHA',
  '-A',
  'fence-auth-key',
  '-x',
  'AES',
  '-X',
  'fence-priv-key',
];
const V3_READER = [
  '-v3',
  '-u',
  'watcher',
  '-l',
  'authPriv',
  '-a',
  'SHA',
  '-A',
  'watch-auth-key',
  '-x',
  'AES',
  '-X',
  'watch-priv-key',
];

/** One of the net-snmp tools, numeric OIDs and no MIB files, against `target`. */
function tool(bin: string, target: string, auth: string[], ...args: string[]) {
  return run(bin, ['-m', '', '-On', '-t', '1', '-r', '2', ...auth, target, ...args], { timeoutMs: 30_000 });
}

describe.skipIf(!available)('APC SNMP agent, Rack PDU, with the net-snmp tools', () => {
  let emu: ApcEmulator;
  let target: string;
  let events: Timestamped[] = [];
  const get = (auth: string[], ...oids: string[]) => tool(SNMPGET, target, auth, ...oids);
  const set = (auth: string[], ...args: string[]) => tool(SNMPSET, target, auth, ...args);
  const walk = (auth: string[], oid: string) => tool(SNMPWALK, target, auth, oid);
  const state = (plug: number) => emu.device.bank.get(plug)?.state;
  const plugEvents = (from: number, plug: number) =>
    events.slice(from).flatMap((e) => (e.type === 'plug' && e.plug === plug ? [e.state] : []));

  beforeAll(async () => {
    const apc = await startApc('127.0.0.130', {
      snmp: 0,
      outlets: 4,
      plugs: [
        { number: 1, name: 'node1' },
        { number: 2, name: 'node2' },
        { number: 3, name: 'node3', default: 'OFF' },
      ],
      bootDelay: 1,
    });
    ({ emulator: emu, events } = apc);
    target = `${apc.host}:${apc.port}`;
  });
  afterAll(() => emu.stop());

  beforeEach(() => {
    const d = emu.device;
    d.faults.clear();
    d.cancelLater([1, 2, 3, 4]);
    d.communities = { read: 'public', write: 'private' };
    d.snmpUsers = [
      { name: 'fence', authProtocol: 'sha', authKey: 'fence-auth-key', privProtocol: 'aes', privKey: 'fence-priv-key' },
      {
        name: 'watcher',
        authProtocol: 'sha',
        authKey: 'watch-auth-key',
        privProtocol: 'aes',
        privKey: 'watch-priv-key',
        access: 'read',
      },
    ];
    d.identity = { name: 'PDU-BAR', contact: '', location: '' };
    for (const n of [1, 2, 3, 4]) {
      d.bank.force(n, n === 3 ? 'OFF' : 'ON', 'test');
      d.bank.configure(n, { name: n === 4 ? null : `node${n}`, bootDelayMs: 1000 }, 'test');
    }
  });

  it('listens where it was asked, on a port of its own choosing for port 0', () => {
    expect(emu.snmp?.address.address).toBe('127.0.0.130');
    expect(emu.snmp?.address.port).toBeGreaterThan(0);
    expect(events.some((e) => e.type === 'listening' && e.frontEnd === 'snmp' && e.address === target)).toBe(true);
  });

  it('answers the system group with the Rack PDU identity', async () => {
    const r = await get(
      V1_READ,
      '.1.3.6.1.2.1.1.1.0',
      '.1.3.6.1.2.1.1.2.0',
      '.1.3.6.1.2.1.1.3.0',
      '.1.3.6.1.2.1.1.5.0',
    );
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(
      /^\.1\.3\.6\.1\.2\.1\.1\.1\.0 = STRING: "APC Web\/SNMP Management Card \(.*MN:AP7930 .*\)"$/,
    );
    expect(lines[1]).toBe('.1.3.6.1.2.1.1.2.0 = OID: .1.3.6.1.4.1.318.1.3.4.5');
    expect(lines[2]).toMatch(/^\.1\.3\.6\.1\.2\.1\.1\.3\.0 = Timeticks: \(\d+\) /);
    expect(lines[3]).toBe('.1.3.6.1.2.1.1.5.0 = STRING: "PDU-BAR"');
  });

  it('answers the identity apcmastersnmp reads: model AP7930 and the outlet count', async () => {
    const r = await get(V1_READ, `${RPDU}.1.5.0`, `${RPDU}.1.8.0`, `${RPDU}.3.1.3.0`, `${RPDU}.3.1.4.0`);
    expect(r.stdout).toBe(
      [
        `${RPDU}.1.5.0 = STRING: "AP7930"`,
        `${RPDU}.1.8.0 = INTEGER: 4`,
        `${RPDU}.3.1.3.0 = INTEGER: 4`,
        `${RPDU}.3.1.4.0 = INTEGER: 4`,
        '',
      ].join('\n'),
    );
  });

  it('walks the control table: index, name, phase, command reading 1 on / 2 off', async () => {
    const r = await walk(V1_READ, `${RPDU}.3.3`);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      [
        ...[1, 2, 3, 4].map((n) => `${RPDU}.3.3.1.1.1.${n} = INTEGER: ${n}`),
        `${RPDU}.3.3.1.1.2.1 = STRING: "node1"`,
        `${RPDU}.3.3.1.1.2.2 = STRING: "node2"`,
        `${RPDU}.3.3.1.1.2.3 = STRING: "node3"`,
        `${RPDU}.3.3.1.1.2.4 = STRING: "Outlet 4"`,
        ...[1, 2, 3, 4].map((n) => `${RPDU}.3.3.1.1.3.${n} = INTEGER: 1`),
        `${CONTROL}.1 = INTEGER: 1`,
        `${CONTROL}.2 = INTEGER: 1`,
        `${CONTROL}.3 = INTEGER: 2`,
        `${CONTROL}.4 = INTEGER: 1`,
        '',
      ].join('\n'),
    );
  });

  it('walks the config table: index, name, phase, power-on and power-off delays, reboot duration in seconds', async () => {
    emu.device.bank.configure(2, { bootDelayMs: 5000 }, 'test');
    const r = await walk(V2C_READ, `${RPDU}.3.4`);
    expect(r.stdout).toBe(
      [
        ...[1, 2, 3, 4].map((n) => `${RPDU}.3.4.1.1.1.${n} = INTEGER: ${n}`),
        `${CONFIG_NAME}.1 = STRING: "node1"`,
        `${CONFIG_NAME}.2 = STRING: "node2"`,
        `${CONFIG_NAME}.3 = STRING: "node3"`,
        `${CONFIG_NAME}.4 = STRING: "Outlet 4"`,
        ...[1, 2, 3, 4].map((n) => `${RPDU}.3.4.1.1.3.${n} = INTEGER: 1`),
        // The emulator keeps one delay per outlet: power-on and power-off delays read it too.
        ...[1, 5, 1, 1].map((v, i) => `${RPDU}.3.4.1.1.4.${i + 1} = INTEGER: ${v}`),
        ...[1, 5, 1, 1].map((v, i) => `${RPDU}.3.4.1.1.5.${i + 1} = INTEGER: ${v}`),
        `${REBOOT_DURATION}.1 = INTEGER: 1`,
        `${REBOOT_DURATION}.2 = INTEGER: 5`,
        `${REBOOT_DURATION}.3 = INTEGER: 1`,
        `${REBOOT_DURATION}.4 = INTEGER: 1`,
        '',
      ].join('\n'),
    );
  });

  it('walks the status table: index, name, phase, state 1/2, command pending 2', async () => {
    const r = await walk(V1_READ, `${RPDU}.3.5`);
    expect(r.stdout).toBe(
      [
        ...[1, 2, 3, 4].map((n) => `${RPDU}.3.5.1.1.1.${n} = INTEGER: ${n}`),
        `${RPDU}.3.5.1.1.2.1 = STRING: "node1"`,
        `${RPDU}.3.5.1.1.2.2 = STRING: "node2"`,
        `${RPDU}.3.5.1.1.2.3 = STRING: "node3"`,
        `${RPDU}.3.5.1.1.2.4 = STRING: "Outlet 4"`,
        ...[1, 2, 3, 4].map((n) => `${RPDU}.3.5.1.1.3.${n} = INTEGER: 1`),
        `${STATE}.1 = INTEGER: 1`,
        `${STATE}.2 = INTEGER: 1`,
        `${STATE}.3 = INTEGER: 2`,
        `${STATE}.4 = INTEGER: 1`,
        ...[1, 2, 3, 4].map((n) => `${PENDING}.${n} = INTEGER: 2`),
        '',
      ].join('\n'),
    );
  });

  it('walks the MasterSwitch (sPDU) tables too, with the same outlets', async () => {
    const r = await walk(V1_READ, `${SPDU}.4`);
    expect(r.stdout).toBe(
      [
        `${SPDU}.4.1.0 = INTEGER: 4`,
        ...[1, 2, 3, 4].map((n) => `${SPDU}.4.2.1.1.${n} = INTEGER: ${n}`),
        ...[1, 2, 3, 4].map((n) => `${SPDU}.4.2.1.2.${n} = INTEGER: 2`),
        ...[1, 1, 2, 1].map((v, i) => `${SPDU}.4.2.1.3.${i + 1} = INTEGER: ${v}`),
        ...['node1', 'node2', 'node3', 'Outlet 4'].map((name, i) => `${SPDU}.4.2.1.4.${i + 1} = STRING: "${name}"`),
        '',
      ].join('\n'),
    );
    const config = await walk(V1_READ, `${SPDU}.5`);
    expect(config.stdout).toContain(`${SPDU}.5.2.1.3.4 = STRING: "Outlet 4"\n`);
    expect(config.stdout).toContain(`${SPDU}.5.2.1.5.2 = INTEGER: 1\n`);
  });

  it('walks rPDULoad: one phase, the current (tenths of an amp) the ON outlets draw, its state and thresholds', async () => {
    const r = await walk(V2C_READ, `${RPDU}.2`);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      [
        `${RPDU}.2.1.1.0 = INTEGER: 24`, // rPDULoadDevMaxPhaseLoad: the AP7930's rating
        `${RPDU}.2.1.2.0 = INTEGER: 1`,
        `${RPDU}.2.1.3.0 = INTEGER: 0`,
        `${RPDU}.2.1.4.0 = INTEGER: 0`,
        `${RPDU}.2.1.5.0 = INTEGER: 0`,
        `${RPDU}.2.1.7.0 = INTEGER: 0`,
        `${RPDU}.2.2.1.1.1.1 = INTEGER: 1`,
        `${RPDU}.2.2.1.1.2.1 = INTEGER: 0`,
        `${RPDU}.2.2.1.1.3.1 = INTEGER: 19`,
        `${RPDU}.2.2.1.1.4.1 = INTEGER: 24`,
        `${RPDU}.2.2.1.1.5.1 = INTEGER: 1`,
        `${RPDU}.2.3.1.1.1.1 = INTEGER: 1`,
        // Three outlets on, 0.2 A each.
        `${RPDU}.2.3.1.1.2.1 = Gauge32: 6`,
        `${RPDU}.2.3.1.1.3.1 = INTEGER: 1`,
        `${RPDU}.2.3.1.1.4.1 = INTEGER: 1`,
        `${RPDU}.2.3.1.1.5.1 = INTEGER: 0`,
        '',
      ].join('\n'),
    );
  });

  it('reads the load from the outlets: an outlet switched off draws nothing; overload from the thresholds', async () => {
    const load = async () => (await get(V2C_READ, `${RPDU}.2.3.1.1.2.1`, `${RPDU}.2.3.1.1.3.1`)).stdout;
    expect((await set(V1, `${CONTROL}.1`, 'i', '2')).code).toBe(0);
    expect(await load()).toBe(`${RPDU}.2.3.1.1.2.1 = Gauge32: 4\n${RPDU}.2.3.1.1.3.1 = INTEGER: 1\n`);
    emu.device.outletLoadTenths = 90;
    try {
      // Two outlets at 9 A: 18 A is under the near-overload threshold (19 A) …
      expect(await load()).toBe(`${RPDU}.2.3.1.1.2.1 = Gauge32: 180\n${RPDU}.2.3.1.1.3.1 = INTEGER: 1\n`);
      // … three are 27 A, past the 24 A overload threshold: phaseLoadOverload(4), in rPDUStatus too.
      expect((await set(V1, `${CONTROL}.1`, 'i', '1')).code).toBe(0);
      expect(await load()).toBe(`${RPDU}.2.3.1.1.2.1 = Gauge32: 270\n${RPDU}.2.3.1.1.3.1 = INTEGER: 4\n`);
      expect((await get(V2C_READ, `${RPDU}.5.4.1.3.1`)).stdout).toBe(`${RPDU}.5.4.1.3.1 = INTEGER: 4\n`);
    } finally {
      emu.device.outletLoadTenths = 2;
    }
  });

  it('walks rPDUStatus: no banks, one phase and its load state, no metered outlets', async () => {
    const r = await walk(V1_READ, `${RPDU}.5`);
    expect(r.stdout).toBe(
      [
        `${RPDU}.5.1.0 = INTEGER: 0`,
        `${RPDU}.5.3.0 = INTEGER: 1`,
        `${RPDU}.5.4.1.1.1 = INTEGER: 1`,
        `${RPDU}.5.4.1.2.1 = INTEGER: 1`,
        `${RPDU}.5.4.1.3.1 = INTEGER: 1`,
        `${RPDU}.5.5.0 = INTEGER: 0`,
        // rPDUStatus is the last group the card serves.
        'End of MIB',
        '',
      ].join('\n'),
    );
  });

  it('walks MIB-II interfaces: one Ethernet port, up, with packet counters', async () => {
    const r = await walk(V2C_READ, '.1.3.6.1.2.1.2');
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines.slice(0, 9)).toEqual([
      '.1.3.6.1.2.1.2.1.0 = INTEGER: 1',
      '.1.3.6.1.2.1.2.2.1.1.1 = INTEGER: 1',
      '.1.3.6.1.2.1.2.2.1.2.1 = STRING: "veth0"',
      '.1.3.6.1.2.1.2.2.1.3.1 = INTEGER: 6',
      '.1.3.6.1.2.1.2.2.1.4.1 = INTEGER: 1500',
      '.1.3.6.1.2.1.2.2.1.5.1 = Gauge32: 100000000',
      '.1.3.6.1.2.1.2.2.1.6.1 = Hex-STRING: 00 C0 B7 5A 10 21 ',
      '.1.3.6.1.2.1.2.2.1.7.1 = INTEGER: 1',
      '.1.3.6.1.2.1.2.2.1.8.1 = INTEGER: 1',
    ]);
    expect(lines).toHaveLength(23);
    expect(lines[22]).toBe('.1.3.6.1.2.1.2.2.1.22.1 = OID: .0.0');
  });

  it('counts in MIB-II snmp what it really received and answered', async () => {
    const READ = [1, 2, 5, 13, 15, 17, 21, 28, 30];
    // One GET (one packet) of all the counters; each is read while that GET is being answered.
    const counters = async () => {
      const r = await get(V1_READ, ...READ.map((n) => `.1.3.6.1.2.1.11.${n}.0`));
      expect(r.code).toBe(0);
      return new Map(
        [...r.stdout.matchAll(/^\.1\.3\.6\.1\.2\.1\.11\.(\d+)\.0 = \w+: (\d+)$/gm)].map((m) => [
          Number(m[1]),
          Number(m[2]),
        ]),
      );
    };
    const before = await counters();
    // A GET of two variables, a SET with the read community (refused), a GET of a missing outlet (v1: noSuchName).
    await get(V1_READ, `${STATE}.1`, `${STATE}.2`);
    await set(V1_READ, `${CONTROL}.1`, 'i', '1');
    await get(V1_READ, `${STATE}.9`);
    const after = await counters();
    const delta = (n: number) => (after.get(n) ?? 0) - (before.get(n) ?? 0);
    // A request is counted as it arrives, its response as it leaves: the second GET of the counters sees
    // itself arrive, and the first one's response leave.
    expect(delta(1)).toBe(4); // snmpInPkts: three requests and the second GET
    expect(delta(2)).toBe(4); // snmpOutPkts: the first GET's response and three answers
    expect(delta(5)).toBe(1); // snmpInBadCommunityUses: the SET with the read community
    expect(delta(13)).toBe(READ.length + 2); // snmpInTotalReqVars: the first GET's counters and the two states
    expect(delta(15)).toBe(3); // snmpInGetRequests: two GETs and the second GET of the counters
    expect(delta(17)).toBe(1); // snmpInSetRequests
    expect(delta(21)).toBe(2); // snmpOutNoSuchNames: the refused SET (v1) and the missing outlet
    expect(delta(28)).toBe(4); // snmpOutGetResponses
    expect(after.get(30)).toBe(2); // snmpEnableAuthenTraps: disabled(2)
  });

  it('gives the same walk by GETNEXT (v1) as by GETBULK (v2c)', async () => {
    const next = await walk(V1_READ, '.1.3.6.1.4.1.318');
    const bulk = await tool(SNMPBULKWALK, target, V2C_READ, '-Cr7', '.1.3.6.1.4.1.318');
    expect(bulk.code).toBe(0);
    // Each version marks the end of the MIB its own way: v1 by noSuchName, v2c by endOfMibView.
    expect(next.stdout.endsWith('\nEnd of MIB\n')).toBe(true);
    expect(
      bulk.stdout.endsWith(
        `${RPDU}.5.5.0 = No more variables left in this MIB View (It is past the end of the MIB tree)\n`,
      ),
    ).toBe(true);
    const values = (out: string) => out.split('\n').filter((l) => / = (INTEGER|STRING): /.test(l));
    expect(values(bulk.stdout)).toEqual(values(next.stdout));
    expect(values(next.stdout).length).toBeGreaterThan(80);
  });

  it('answers GETs with the write community as well as the read one', async () => {
    const r = await get(V2C, `${STATE}.1`);
    expect(r.stdout).toBe(`${STATE}.1 = INTEGER: 1\n`);
  });

  it('switches an outlet off (2) and on (1) through the control table, v1', async () => {
    const from = events.length;
    const off = await set(V1, `${CONTROL}.2`, 'i', '2');
    expect(off.code).toBe(0);
    expect(off.stdout).toBe(`${CONTROL}.2 = INTEGER: 2\n`);
    expect(state(2)).toBe('OFF');
    expect((await get(V1, `${STATE}.2`)).stdout).toBe(`${STATE}.2 = INTEGER: 2\n`);
    const on = await set(V1, `${CONTROL}.2`, 'i', '1');
    expect(on.code).toBe(0);
    expect(state(2)).toBe('ON');
    expect(plugEvents(from, 2)).toEqual(['OFF', 'ON']);
    const change = events.slice(from).find((e) => e.type === 'plug');
    expect(change?.type === 'plug' && change.by).toMatch(/^snmp 127\.0\.0\.1:\d+$/);
  });

  it('reboots an outlet (3): off at once, command pending, on again after its reboot duration', async () => {
    emu.device.bank.configure(1, { bootDelayMs: 3000 }, 'test');
    const from = events.length;
    const r = await set(V2C, `${CONTROL}.1`, 'i', '3');
    expect(r.code).toBe(0);
    expect(state(1)).toBe('OFF');
    expect((await get(V2C, `${PENDING}.1`, `${CONTROL}.1`)).stdout).toBe(
      `${PENDING}.1 = INTEGER: 1\n${CONTROL}.1 = INTEGER: 2\n`,
    );
    await vi.waitFor(() => expect(state(1)).toBe('ON'), { timeout: 10_000, interval: 50 });
    expect(plugEvents(from, 1)).toEqual(['OFF', 'ON']);
    expect((await get(V2C, `${PENDING}.1`)).stdout).toBe(`${PENDING}.1 = INTEGER: 2\n`);
  });

  it('switches through the MasterSwitch control column (sPDUOutletCtl) as well', async () => {
    expect((await set(V1, `${SPDU}.4.2.1.3.4`, 'i', '2')).code).toBe(0);
    expect(state(4)).toBe('OFF');
    expect((await set(V1, `${SPDU}.4.2.1.3.4`, 'i', '1')).code).toBe(0);
    expect(state(4)).toBe('ON');
  });

  it('delays a delayedOff (5) by the outlet delay, with the command pending meanwhile', async () => {
    emu.device.bank.configure(2, { bootDelayMs: 3000 }, 'test');
    const from = events.length;
    expect((await set(V1, `${CONTROL}.2`, 'i', '5')).code).toBe(0);
    expect(state(2)).toBe('ON');
    expect((await get(V1, `${PENDING}.2`)).stdout).toBe(`${PENDING}.2 = INTEGER: 1\n`);
    await vi.waitFor(() => expect(state(2)).toBe('OFF'), { timeout: 10_000, interval: 50 });
    expect(plugEvents(from, 2)).toEqual(['OFF']);
    expect((await get(V1, `${PENDING}.2`)).stdout).toBe(`${PENDING}.2 = INTEGER: 2\n`);
  });

  it('drops a delayed command with cancelPendingCommand (7)', async () => {
    emu.device.bank.configure(2, { bootDelayMs: 60_000 }, 'test');
    expect((await set(V2C, `${CONTROL}.2`, 'i', '5')).code).toBe(0);
    expect((await get(V2C, `${PENDING}.2`)).stdout).toBe(`${PENDING}.2 = INTEGER: 1\n`);
    expect((await set(V2C, `${CONTROL}.2`, 'i', '7')).code).toBe(0);
    expect((await get(V2C, `${PENDING}.2`)).stdout).toBe(`${PENDING}.2 = INTEGER: 2\n`);
    expect(emu.device.cancelLater([2])).toBe(0);
    expect(state(2)).toBe('ON');
  });

  it('switches every outlet with rPDUOutletDevCommand (3 all off, 2 all on)', async () => {
    expect((await set(V2C, `${RPDU}.3.1.1.0`, 'i', '3')).code).toBe(0);
    expect([1, 2, 3, 4].map(state)).toEqual(['OFF', 'OFF', 'OFF', 'OFF']);
    expect((await set(V2C, `${RPDU}.3.1.1.0`, 'i', '2')).code).toBe(0);
    await vi.waitFor(() => expect([1, 2, 3, 4].map(state)).toEqual(['ON', 'ON', 'ON', 'ON']), {
      timeout: 15_000,
      interval: 50,
    });
  });

  it('renames an outlet through the config table; every name column shows it; "" restores the default', async () => {
    const from = events.length;
    const r = await set(V1, `${CONFIG_NAME}.4`, 's', 'web-7');
    expect(r.code).toBe(0);
    expect(emu.device.bank.get(4)?.name).toBe('web-7');
    expect(events.slice(from).some((e) => e.type === 'setting' && e.what === 'name' && e.plug === 4)).toBe(true);
    const names = await get(V1, `${RPDU}.3.5.1.1.2.4`, `${RPDU}.3.3.1.1.2.4`, `${SPDU}.4.2.1.4.4`);
    expect(names.stdout).toBe(
      [`${RPDU}.3.5.1.1.2.4`, `${RPDU}.3.3.1.1.2.4`, `${SPDU}.4.2.1.4.4`]
        .map((o) => `${o} = STRING: "web-7"\n`)
        .join(''),
    );
    await set(V1, `${SPDU}.5.2.1.3.4`, 's', '');
    expect(emu.device.bank.get(4)?.name).toBeNull();
    expect((await get(V1, `${CONFIG_NAME}.4`)).stdout).toBe(`${CONFIG_NAME}.4 = STRING: "Outlet 4"\n`);
  });

  it('sets the reboot duration an immediate reboot then keeps the outlet off', async () => {
    const r = await set(V2C, `${REBOOT_DURATION}.2`, 'i', '7');
    expect(r.code).toBe(0);
    expect(emu.device.bank.get(2)?.bootDelayMs).toBe(7000);
    expect((await get(V1, `${SPDU}.5.2.1.5.2`)).stdout).toBe(`${SPDU}.5.2.1.5.2 = INTEGER: 7\n`);
  });

  it('sets sysName, sysContact and sysLocation on the device identity', async () => {
    const r = await set(
      V2C,
      '.1.3.6.1.2.1.1.5.0',
      's',
      'rack-9',
      '.1.3.6.1.2.1.1.4.0',
      's',
      'ops',
      '.1.3.6.1.2.1.1.6.0',
      's',
      'room 2',
    );
    expect(r.code).toBe(0);
    expect(emu.device.identity).toEqual({ name: 'rack-9', contact: 'ops', location: 'room 2' });
    expect((await get(V1, `${RPDU}.1.1.0`)).stdout).toBe(`${RPDU}.1.1.0 = STRING: "rack-9"\n`);
  });

  describe('a SET with the read community', () => {
    it('v1: noSuchName, and the outlet does not move', async () => {
      const r = await set(V1_READ, `${CONTROL}.1`, 'i', '2');
      expect(r.code).not.toBe(0);
      expect(r.stderr).toContain('Reason: (noSuchName) There is no such variable name in this MIB.');
      expect(state(1)).toBe('ON');
    });

    it('v2c: noAccess, and the outlet does not move', async () => {
      const r = await set(V2C_READ, `${CONTROL}.1`, 'i', '2');
      expect(r.code).not.toBe(0);
      expect(r.stderr).toContain('Reason: noAccess');
      expect(state(1)).toBe('ON');
    });
  });

  it('drops requests with an unknown community: the tools time out', async () => {
    const r = await run(SNMPGET, [
      '-m',
      '',
      '-On',
      '-t',
      '0.3',
      '-r',
      '0',
      '-v2c',
      '-c',
      'nosuch',
      target,
      `${STATE}.1`,
    ]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(`Timeout: No Response from ${target}`);
  });

  it('takes a community changed on the card at once', async () => {
    emu.device.communities = { read: 'look', write: 'touch' };
    expect((await set(['-v2c', '-c', 'touch'], `${CONTROL}.2`, 'i', '2')).code).toBe(0);
    expect(state(2)).toBe('OFF');
    const old = await run(SNMPGET, [
      '-m',
      '',
      '-On',
      '-t',
      '0.3',
      '-r',
      '0',
      '-v2c',
      '-c',
      'private',
      target,
      `${STATE}.2`,
    ]);
    expect(old.stderr).toContain('Timeout');
  });

  describe('a SET of the wrong type (a string for an INTEGER)', () => {
    it('v1: badValue', async () => {
      const r = await set(V1, `${CONTROL}.1`, 's', '2');
      expect(r.stderr).toContain('Reason: (badValue) The value given has the wrong type or length.');
      expect(state(1)).toBe('ON');
    });

    it('v2c: wrongType, for a string, an unsigned or an IP address', async () => {
      for (const [type, value] of [
        ['s', '2'],
        ['u', '2'],
        ['a', '2.0.0.0'],
      ] as const) {
        const r = await set(V2C, `${CONTROL}.1`, type, value);
        expect(r.stderr).toContain(
          'Reason: wrongType (The set datatype does not match the data type the agent expects)',
        );
      }
      expect(state(1)).toBe('ON');
    });
  });

  describe('a SET of a value out of range', () => {
    it('v1: badValue', async () => {
      for (const v of ['0', '8', '-1']) {
        const r = await set(V1, `${CONTROL}.1`, 'i', v);
        expect(r.stderr).toContain('Reason: (badValue)');
      }
      expect(state(1)).toBe('ON');
    });

    it('v2c: wrongValue (command 9, reboot duration 0, a name with a control character)', async () => {
      for (const [oid, type, value] of [
        [`${CONTROL}.1`, 'i', '9'],
        [`${REBOOT_DURATION}.1`, 'i', '0'],
        [`${CONFIG_NAME}.1`, 'x', '6e6f0a31'],
      ] as const) {
        const r = await set(V2C, oid, type, value);
        expect(r.stderr).toContain('Reason: wrongValue (The set value is illegal or unsupported in some way)');
      }
      expect(emu.device.bank.get(1)).toMatchObject({ state: 'ON', name: 'node1', bootDelayMs: 1000 });
    });

    it('v2c: wrongLength for a name longer than 20 characters', async () => {
      const r = await set(V2C, `${CONFIG_NAME}.1`, 's', 'x'.repeat(21));
      expect(r.stderr).toContain('Reason: wrongLength');
      expect(emu.device.bank.get(1)?.name).toBe('node1');
    });
  });

  describe('a SET of a read-only object (rPDUOutletStatusOutletState)', () => {
    it('v1: noSuchName', async () => {
      const r = await set(V1, `${STATE}.1`, 'i', '2');
      expect(r.stderr).toContain('Reason: (noSuchName)');
      expect(state(1)).toBe('ON');
    });

    it('v2c: notWritable', async () => {
      const r = await set(V2C, `${STATE}.1`, 'i', '2');
      expect(r.stderr).toContain('Reason: notWritable (That object does not support modification)');
      expect(state(1)).toBe('ON');
    });
  });

  describe('a SET of an OID the card does not have', () => {
    it('v1: noSuchName', async () => {
      const r = await set(V1, `${RPDU}.9.9.0`, 'i', '1');
      expect(r.stderr).toContain('Reason: (noSuchName)');
    });

    it('v2c: notWritable for an unknown object, noCreation for an outlet that does not exist', async () => {
      expect((await set(V2C, `${RPDU}.9.9.0`, 'i', '1')).stderr).toContain('Reason: notWritable');
      const r = await set(V2C, `${CONTROL}.5`, 'i', '2');
      expect(r.stderr).toContain('Reason: noCreation');
      expect(r.stderr).toContain(`Failed object: ${CONTROL}.5`);
    });
  });

  it('applies a SET all or nothing: a bad second variable leaves the first outlet alone', async () => {
    const r = await set(V2C, `${CONTROL}.1`, 'i', '2', `${CONTROL}.2`, 'i', '9');
    expect(r.stderr).toContain('Reason: wrongValue');
    expect(r.stderr).toContain(`Failed object: ${CONTROL}.2`);
    expect(state(1)).toBe('ON');
    const both = await set(V2C, `${CONTROL}.1`, 'i', '2', `${CONTROL}.2`, 'i', '2');
    expect(both.code).toBe(0);
    expect([state(1), state(2)]).toEqual(['OFF', 'OFF']);
  });

  describe('a GET of something the card does not have', () => {
    it('v1: noSuchName, exit non-zero', async () => {
      const r = await get(V1, `${STATE}.9`);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toContain('Reason: (noSuchName) There is no such variable name in this MIB.');
      expect(r.stderr).toContain(`Failed object: ${STATE}.9`);
    });

    it('v2c: noSuchInstance for a missing outlet, noSuchObject for an unknown object', async () => {
      const r = await get(V2C, `${STATE}.9`, `${RPDU}.9.9.0`);
      expect(r.stdout).toBe(
        `${STATE}.9 = No Such Instance currently exists at this OID\n` +
          `${RPDU}.9.9.0 = No Such Object available on this agent at this OID\n`,
      );
    });
  });

  it('acknowledges commands and moves nothing while the relay is stuck', async () => {
    emu.device.faults.add('stuck-relay');
    const r = await set(V1, `${CONTROL}.1`, 'i', '2');
    expect(r.code).toBe(0);
    expect(state(1)).toBe('ON');
    expect((await get(V1, `${STATE}.1`, `${PENDING}.1`)).stdout).toBe(
      `${STATE}.1 = INTEGER: 1\n${PENDING}.1 = INTEGER: 2\n`,
    );
  });

  describe('SNMPv3', () => {
    it('a write user (authPriv, SHA/AES) reads and switches', async () => {
      expect((await get(V3, `${STATE}.2`)).stdout).toBe(`${STATE}.2 = INTEGER: 1\n`);
      const r = await set(V3, `${CONTROL}.2`, 'i', '2');
      expect(r.code).toBe(0);
      expect(state(2)).toBe('OFF');
    });

    it('a read user may GET but a SET gets noAccess', async () => {
      expect((await get(V3_READER, `${STATE}.1`)).stdout).toBe(`${STATE}.1 = INTEGER: 1\n`);
      const r = await set(V3_READER, `${CONTROL}.1`, 'i', '2');
      expect(r.stderr).toContain('Reason: noAccess');
      expect(state(1)).toBe('ON');
    });

    it('refuses an unknown user, and a wrong key gets no answer', async () => {
      const unknown = await get(['-v3', '-u', 'mallory', '-l', 'noAuthNoPriv'], `${STATE}.1`);
      expect(unknown.code).not.toBe(0);
      expect(unknown.stderr).toContain('Unknown user name');
      const wrongKey = await run(SNMPSET, [
        ...['-m', '', '-On', '-t', '0.3', '-r', '0'],
        ...V3.map((a) => (a === 'fence-auth-key' ? 'not-the-key' : a)),
        target,
        `${CONTROL}.1`,
        'i',
        '2',
      ]);
      expect(wrongKey.code).not.toBe(0);
      expect(state(1)).toBe('ON');
    });
  });

  describe('with the net-snmp npm client', () => {
    const session = (version: 0 | 1, community = 'private') => {
      const { address, port } = emu.snmp?.address ?? { address: '', port: 0 };
      const s = snmp.createSession(address, community, { port, version, retries: 1, timeout: 1000 });
      s.on('error', () => {});
      return s;
    };
    const setOne = (s: snmp.Session, oid: string, type: snmp.ObjectType, value: unknown) =>
      new Promise<Error | null>((resolve) => {
        s.set([{ oid: oid.slice(1), type, value } as snmp.Varbind], (err) => resolve(err ?? null));
      });

    it('GETBULK (v2c) returns the status table rows in order', async () => {
      const s = session(snmp.Version2c);
      try {
        const varbinds = await new Promise<snmp.Varbind[]>((resolve, reject) =>
          s.getBulk([`${STATE.slice(1, -2)}.3`], 0, 8, (err, vbs) =>
            err ? reject(err) : resolve((vbs ?? []).flat() as snmp.Varbind[]),
          ),
        );
        expect(varbinds.map((v) => [v.oid, v.value])).toEqual([
          [`${RPDU.slice(1)}.3.5.1.1.3.1`, 1],
          [`${RPDU.slice(1)}.3.5.1.1.3.2`, 1],
          [`${RPDU.slice(1)}.3.5.1.1.3.3`, 1],
          [`${RPDU.slice(1)}.3.5.1.1.3.4`, 1],
          [`${STATE.slice(1)}.1`, 1],
          [`${STATE.slice(1)}.2`, 1],
          [`${STATE.slice(1)}.3`, 2],
          [`${STATE.slice(1)}.4`, 1],
        ]);
      } finally {
        s.close();
      }
    });

    it('reports the error status a bad SET gets, per version', async () => {
      const v1 = session(snmp.Version1);
      const v2 = session(snmp.Version2c);
      const ro = session(snmp.Version2c, 'public');
      try {
        const status = (e: Error | null) => (e as (Error & { status?: number }) | null)?.status;
        expect(status(await setOne(v1, `${CONTROL}.1`, snmp.ObjectType.Integer, 9))).toBe(snmp.ErrorStatus.BadValue);
        expect(status(await setOne(v2, `${CONTROL}.1`, snmp.ObjectType.Integer, 9))).toBe(snmp.ErrorStatus.WrongValue);
        expect(status(await setOne(v2, `${CONTROL}.1`, snmp.ObjectType.OctetString, '1'))).toBe(
          snmp.ErrorStatus.WrongType,
        );
        expect(status(await setOne(v2, `${STATE}.1`, snmp.ObjectType.Integer, 1))).toBe(snmp.ErrorStatus.NotWritable);
        expect(status(await setOne(ro, `${CONTROL}.1`, snmp.ObjectType.Integer, 2))).toBe(snmp.ErrorStatus.NoAccess);
        expect(await setOne(v2, `${CONTROL}.3`, snmp.ObjectType.Integer, 1)).toBeNull();
        expect(state(3)).toBe('ON');
      } finally {
        for (const s of [v1, v2, ro]) s.close();
      }
    });

    it('works as an SNMPv3 client with the authPriv user', async () => {
      const { address, port } = emu.snmp?.address ?? { address: '', port: 0 };
      const s = snmp.createV3Session(
        address,
        {
          name: 'fence',
          level: snmp.SecurityLevel.authPriv,
          authProtocol: snmp.AuthProtocols.sha,
          authKey: 'fence-auth-key',
          privProtocol: snmp.PrivProtocols.aes,
          privKey: 'fence-priv-key',
        },
        { port, retries: 1, timeout: 1000 },
      );
      s.on('error', () => {});
      try {
        expect(await setOne(s, `${CONTROL}.4`, snmp.ObjectType.Integer, 2)).toBeNull();
        expect(state(4)).toBe('OFF');
      } finally {
        s.close();
      }
    });
  });
});

describe.skipIf(!available)('APC SNMP agent, MasterSwitch model', () => {
  let emu: ApcEmulator;
  let target: string;

  beforeAll(async () => {
    const apc = await startApc('127.0.0.131', {
      model: 'apc-masterswitch',
      snmp: 0,
      plugs: [{ number: 2, name: 'db' }],
    });
    emu = apc.emulator;
    target = `${apc.host}:${apc.port}`;
  });
  afterAll(() => emu.stop());

  it('reports the AP9211 identity (masterSwitchV2) and serves only the sPDU tables', async () => {
    const r = await tool(
      SNMPGET,
      target,
      V2C_READ,
      '.1.3.6.1.2.1.1.2.0',
      `${SPDU}.1.4.0`,
      `${SPDU}.4.1.0`,
      `${RPDU}.1.8.0`,
    );
    expect(r.stdout).toBe(
      [
        '.1.3.6.1.2.1.1.2.0 = OID: .1.3.6.1.4.1.318.1.3.4.2',
        `${SPDU}.1.4.0 = STRING: "AP9211"`,
        `${SPDU}.4.1.0 = INTEGER: 8`,
        `${RPDU}.1.8.0 = No Such Object available on this agent at this OID`,
        '',
      ].join('\n'),
    );
  });

  it('switches every outlet through sPDUMasterControlSwitch; sPDUMasterState and sPDUMasterPending read each outlet', async () => {
    const master = async () =>
      (await tool(SNMPGET, target, V2C_READ, `${SPDU}.2.1.0`, `${SPDU}.2.2.0`, `${SPDU}.2.3.0`)).stdout;
    expect((await tool(SNMPSET, target, V1, `${SPDU}.2.1.0`, 'i', '3')).code).toBe(0); // turnAllOffNow
    expect(await master()).toBe(
      [
        `${SPDU}.2.1.0 = INTEGER: 6`, // noCommand
        `${SPDU}.2.2.0 = STRING: "${Array(8).fill('Off').join(' ')}"`,
        `${SPDU}.2.3.0 = STRING: "${Array(8).fill('No').join(' ')}"`,
        '',
      ].join('\n'),
    );
    // The card powers outlets up one after the other, each its delay after the one before: keep them short here.
    const bank = emu.device.bank;
    for (let n = 1; n <= 8; n++) bank.configure(n, { bootDelayMs: 100 }, 'test');
    try {
      expect((await tool(SNMPSET, target, V1, `${SPDU}.2.1.0`, 'i', '1')).code).toBe(0); // turnAllOnNow
      await vi.waitFor(() => expect(bank.all().every((o) => o.state === 'ON')).toBe(true), {
        timeout: 15_000,
        interval: 50,
      });
    } finally {
      for (let n = 1; n <= 8; n++) bank.configure(n, { bootDelayMs: 5000 }, 'test');
    }
    // noCommand(6) is what a GET reads, not a command.
    expect((await tool(SNMPSET, target, V2C, `${SPDU}.2.1.0`, 'i', '6')).stderr).toContain('wrongValue');
  });

  it('serves sPDUMasterConfig: power-on delay, the longest reboot duration (read-only), the PDU name (writable)', async () => {
    const r = await tool(SNMPWALK, target, V1_READ, `${SPDU}.3`);
    expect(r.stdout).toBe(
      [`${SPDU}.3.1.0 = INTEGER: 0`, `${SPDU}.3.2.0 = INTEGER: 5`, `${SPDU}.3.3.0 = STRING: "PDU-BAR"`, ''].join('\n'),
    );
    expect((await tool(SNMPSET, target, V1, `${SPDU}.3.3.0`, 's', 'MS-1')).code).toBe(0);
    expect(emu.device.identity.name).toBe('MS-1');
    expect((await tool(SNMPSET, target, V2C, `${SPDU}.3.2.0`, 'i', '10')).stderr).toContain('notWritable');
  });

  it('switches through sPDUOutletCtl and names through sPDUOutletName', async () => {
    expect((await tool(SNMPSET, target, V1, `${SPDU}.4.2.1.3.2`, 'i', '2')).code).toBe(0);
    expect(emu.device.bank.get(2)?.state).toBe('OFF');
    expect((await tool(SNMPGET, target, V1, `${SPDU}.4.2.1.3.2`, `${SPDU}.4.2.1.4.2`)).stdout).toBe(
      `${SPDU}.4.2.1.3.2 = INTEGER: 2\n${SPDU}.4.2.1.4.2 = STRING: "db"\n`,
    );
    expect((await tool(SNMPSET, target, V1, `${SPDU}.5.2.1.3.2`, 's', 'db-primary')).code).toBe(0);
    expect(emu.device.bank.get(2)?.name).toBe('db-primary');
  });
});

describe.skipIf(!available)('ApcSnmpAgent on its own', () => {
  const device = () =>
    new ApcDevice({ model: 'apc-rackpdu', firmware: '6.4', outlets: 2, emit: () => {}, scheduler: realScheduler });

  it('takes v3 users as an option, and closes its socket so the port is free again', async () => {
    const d = device();
    const users = [{ name: 'ops', authProtocol: 'md5' as const, authKey: 'ops-auth-key' }];
    const first = await ApcSnmpAgent.start({ host: '127.0.0.132', port: 0, device: d, emit: () => {}, v3Users: users });
    const { port } = first.address;
    try {
      expect(d.snmpUsers).toEqual(users);
      const r = await tool(
        SNMPGET,
        `127.0.0.132:${port}`,
        ['-v3', '-u', 'ops', '-l', 'authNoPriv', '-a', 'MD5', '-A', 'ops-auth-key'],
        `${RPDU}.1.3.0`,
      );
      expect(r.stdout).toBe(`${RPDU}.1.3.0 = STRING: "v6.4.6"\n`);
    } finally {
      await first.close();
    }
    const again = await ApcSnmpAgent.start({ host: '127.0.0.132', port, device: d, emit: () => {} });
    expect(again.address).toEqual({ address: '127.0.0.132', port });
    await again.close();
  });

  it('fails to start on a port that is taken', async () => {
    const d = device();
    const first = await ApcSnmpAgent.start({ host: '127.0.0.133', port: 0, device: d, emit: () => {} });
    try {
      await expect(
        ApcSnmpAgent.start({ host: '127.0.0.133', port: first.address.port, device: d, emit: () => {} }),
      ).rejects.toThrow(/EADDRINUSE/);
    } finally {
      await first.close();
    }
  });
});
