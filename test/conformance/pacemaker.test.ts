import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApcEmulator } from '../../emulator/apc-emulator.js';
import { EventBus, type Timestamped } from '../../emulator/events.js';
import { IloEmulator } from '../../emulator/ilo-emulator.js';
import { FENCEKIT } from '../helpers/cli.js';
import { plugStates, type RunningWti, startWti } from '../helpers/emulator.js';
import { type Cluster, pacemakerPeer, startCluster } from '../helpers/pacemaker.js';
import { type PtyPair, startPtyPair } from '../helpers/pty-pair.js';
import { run } from '../helpers/run.js';

/**
 * Pacemaker's own fencer (pacemaker-fenced 2.1.5) fencing through
 * fence_fencekit, installed into /usr/sbin the way the README says, against
 * emulated devices: a WTI by plug name over telnet and over a serial line,
 * APC menu over SSH, APC over SNMPv3, iLO RIBCL, Redfish; a two-level
 * topology; a wrong password and a stuck relay. One cluster for the file (a
 * DC takes about 20 s). Addresses 127.0.2.20–29 (Corosync itself: 127.0.0.1).
 */
const { available } = pacemakerPeer();
const AGENT_DIR = '/usr/sbin';

/** Plug events of a unit, as "plug:STATE" strings, from index `from`. */
const switched = (events: Timestamped[], from: number, plug?: number) =>
  events
    .slice(from)
    .flatMap((e) => (e.type === 'plug' && (plug === undefined || e.plug === plug) ? [`${e.plug}:${e.state}`] : []));

function collect(): { bus: EventBus; events: Timestamped[] } {
  const bus = new EventBus(1000);
  const events: Timestamped[] = [];
  bus.subscribe((e) => events.push(e));
  return { bus, events };
}

describe.skipIf(!available)('Pacemaker fences through fence_fencekit', () => {
  let cluster: Cluster;
  let tmp: string;
  let wti: RunningWti;
  let serialWti: RunningWti;
  let pty: PtyPair;
  let apc: ApcEmulator;
  let ilo: IloEmulator;
  let redfish: IloEmulator;
  let stuckIlo: IloEmulator;
  const apcEvents = collect();
  const iloEvents = collect();
  const redfishEvents = collect();
  const stuckEvents = collect();
  const admin = (...args: string[]) => cluster.stonithAdmin([...args, '--timeout', '90']);

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'fencekit-pcmk-'));
    wti = await startWti({
      listen: '127.0.2.20:0',
      password: 'secret',
      plugs: [
        { number: 5, name: 'mclaws' },
        { number: 6, name: 'stucknode' },
        { number: 7, name: 'toponode' },
      ],
      bootDelay: 0.2,
    });
    pty = await startPtyPair();
    serialWti = await startWti({ listen: null, serial: pty.a, password: 'secret', bootDelay: 0.2 });
    apc = await ApcEmulator.start({
      bus: apcEvents.bus,
      config: {
        model: 'apc-rackpdu',
        listen: null,
        ssh: '127.0.2.21:0',
        snmp: '127.0.2.22:0',
        outlets: 8,
        maxSessions: 2,
        bootDelay: 0.2,
      },
    });
    apc.device.snmpUsers = [
      { name: 'fence', authProtocol: 'sha', authKey: 'auth-secret', privProtocol: 'aes', privKey: 'priv-secret' },
    ];
    const board = (https: string, bus: EventBus, faults: string[] = []) =>
      IloEmulator.start({
        bus,
        config: {
          model: 'ilo4',
          listen: null,
          https,
          username: 'admin',
          password: 'pw',
          faults,
          state: path.join(tmp, `${https.replace(':', '-')}.json`),
        },
      });
    ilo = await board('127.0.2.23:0', iloEvents.bus);
    redfish = await board('127.0.2.24:0', redfishEvents.bus);
    stuckIlo = await board('127.0.2.25:0', stuckEvents.bus, ['stuck-power']);
    const caFile = path.join(tmp, 'ilo-ca.pem');
    fs.writeFileSync(caFile, ilo.certificate?.cert ?? '');

    const installed = await run(process.execPath, [FENCEKIT, 'agent', 'install', '--dir', AGENT_DIR]);
    expect(installed.stdout).toContain(`installed ${AGENT_DIR}/fence_fencekit`);
    cluster = await startCluster();

    const wtiParams = { driver: 'wti', ip: '127.0.2.20', ipport: String(wti.port), password: 'secret' };
    await cluster.addDevice('wti-telnet', 'fence_fencekit', { ...wtiParams, pcmk_host_map: 'mclaws:mclaws' });
    await cluster.addDevice('wti-serial', 'fence_fencekit', {
      driver: 'wti',
      serial_port: pty.b,
      baud: '9600',
      password: 'secret',
      pcmk_host_map: 'serialnode:3',
    });
    await cluster.addDevice('apc-ssh', 'fence_fencekit', {
      driver: 'apc',
      ssh: '1',
      ip: '127.0.2.21',
      ipport: String(apc.ssh?.address.port),
      username: 'apc',
      password: 'apc',
      host_key: apc.ssh?.hostKeyFingerprint ?? '',
      pcmk_host_map: 'apcnode:2',
    });
    await cluster.addDevice('apc-snmp3', 'fence_fencekit', {
      driver: 'apc-snmp',
      ip: '127.0.2.22',
      ipport: String(apc.snmp?.address.port),
      snmp_version: '3',
      username: 'fence',
      password: 'auth-secret',
      snmp_auth_prot: 'SHA',
      snmp_sec_level: 'authPriv',
      snmp_priv_prot: 'AES',
      snmp_priv_passwd: 'priv-secret',
      pcmk_host_map: 'snmpnode:3',
    });
    await cluster.addDevice('ilo-ribcl', 'fence_fencekit', {
      driver: 'ilo',
      ip: '127.0.2.23',
      ipport: String(ilo.https?.address.port),
      username: 'admin',
      password: 'pw',
      ssl_ca: caFile,
      pcmk_host_map: 'ilonode:1',
    });
    await cluster.addDevice('redfish', 'fence_fencekit', {
      driver: 'redfish',
      ip: '127.0.2.24',
      ipport: String(redfish.https?.address.port),
      username: 'admin',
      password: 'pw',
      ssl_insecure: '1',
      pcmk_host_map: 'rfnode:1',
    });
    await cluster.addDevice('ilo-stuck', 'fence_fencekit', {
      driver: 'ilo',
      ip: '127.0.2.25',
      ipport: String(stuckIlo.https?.address.port),
      username: 'admin',
      password: 'pw',
      ssl_insecure: '1',
      power_timeout: '3',
      pcmk_host_map: 'toponode:1',
      pcmk_reboot_retries: '1',
    });
    await cluster.addDevice('wti-topo', 'fence_fencekit', { ...wtiParams, pcmk_host_map: 'toponode:toponode' });
    await cluster.addDevice('wti-wrongpw', 'fence_fencekit', {
      ...wtiParams,
      password: 'wrong',
      pcmk_host_map: 'wrongpw:1',
      pcmk_off_retries: '1',
    });
    await cluster.addDevice('wti-stuck', 'fence_fencekit', {
      ...wtiParams,
      power_timeout: '3',
      pcmk_host_map: 'stucknode:6',
      pcmk_off_retries: '1',
    });
    const topology =
      '<fencing-topology>' +
      '<fencing-level id="topo-1" target="toponode" index="1" devices="ilo-stuck"/>' +
      '<fencing-level id="topo-2" target="toponode" index="2" devices="wti-topo"/>' +
      '</fencing-topology>';
    const r = await cluster.cibadmin(['-C', '-o', 'configuration', '-X', topology]);
    expect(r.code, r.stderr).toBe(0);
  }, 300_000);

  afterAll(async () => {
    await cluster?.stop();
    await run(process.execPath, [FENCEKIT, 'agent', 'uninstall', '--dir', AGENT_DIR]);
    await Promise.all([wti?.stop(), serialWti?.stop(), apc?.stop(), ilo?.stop(), redfish?.stop(), stuckIlo?.stop()]);
    await pty?.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  }, 120_000);

  it("shows the agent's metadata: stonith_admin --metadata --agent fence_fencekit", async () => {
    const r = await cluster.stonithAdmin(['--metadata', '--agent', 'fence_fencekit']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('<resource-agent name="fence_fencekit"');
    expect(r.stdout).toContain('<parameter name="driver"');
  });

  it('starts every device and runs its monitor', async () => {
    const ids = ['wti-telnet', 'wti-serial', 'apc-ssh', 'apc-snmp3', 'ilo-ribcl', 'redfish', 'ilo-stuck', 'wti-topo'];
    await cluster.waitFor(
      'devices started',
      async () => {
        const mon = (await run('/usr/sbin/crm_mon', ['-1'])).stdout;
        return ids.every((id) => new RegExp(`${id}\\s+\\(stonith:fence_fencekit\\):\\s+Started`).test(mon));
      },
      120_000,
    );
    const q = await admin('--query', 'wti-telnet');
    expect(q.code, q.stdout + q.stderr).toBe(0);
  }, 150_000);

  it('lists the devices that can fence a node', async () => {
    const r = await admin('--list', 'mclaws');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('wti-telnet');
    expect(r.stdout).not.toContain('apc-ssh');
  });

  it('reboots mclaws by plug name: plug 5 OFF then ON, and the history shows it', async () => {
    const from = wti.events.length;
    const r = await admin('--reboot', 'mclaws');
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(switched(wti.events, from)).toEqual(['5:OFF', '5:ON']);
    const h = await admin('--history', 'mclaws');
    expect(h.stdout).toMatch(/reboot of mclaws successful/);
  }, 120_000);

  it('fences (off) and unfences (on) mclaws', async () => {
    const from = wti.events.length;
    expect((await admin('--fence', 'mclaws')).code).toBe(0);
    expect(wti.emulator.device.bank.get(5)?.state).toBe('OFF');
    expect((await admin('--unfence', 'mclaws')).code).toBe(0);
    expect(switched(wti.events, from)).toEqual(['5:OFF', '5:ON']);
  }, 120_000);

  it('reboots a WTI on a serial line (a pty pair)', async () => {
    const from = serialWti.events.length;
    const r = await admin('--reboot', 'serialnode');
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(switched(serialWti.events, from)).toEqual(['3:OFF', '3:ON']);
    expect((await admin('--history', 'serialnode')).stdout).toMatch(/reboot of serialnode successful/);
  }, 120_000);

  it('fences an APC outlet through the menu over SSH, host key pinned', async () => {
    const from = apcEvents.events.length;
    expect((await admin('--fence', 'apcnode')).code).toBe(0);
    expect((await admin('--unfence', 'apcnode')).code).toBe(0);
    expect(switched(apcEvents.events, from)).toEqual(['2:OFF', '2:ON']);
  }, 120_000);

  it('reboots an APC outlet over SNMPv3 (authPriv)', async () => {
    const from = apcEvents.events.length;
    const r = await admin('--reboot', 'snmpnode');
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(switched(apcEvents.events, from)).toEqual(['3:OFF', '3:ON']);
  }, 120_000);

  it('reboots a server through iLO RIBCL, its certificate trusted from a CA file', async () => {
    const from = iloEvents.events.length;
    const r = await admin('--reboot', 'ilonode');
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(switched(iloEvents.events, from)).toEqual(['1:OFF', '1:ON']);
  }, 120_000);

  it('fences and unfences a server through Redfish', async () => {
    const from = redfishEvents.events.length;
    expect((await admin('--fence', 'rfnode')).code).toBe(0);
    expect((await admin('--unfence', 'rfnode')).code).toBe(0);
    expect(switched(redfishEvents.events, from)).toEqual(['1:OFF', '1:ON']);
  }, 120_000);

  it('a topology: level 1 (a stuck iLO) fails, level 2 (the WTI plug) fences', async () => {
    const from = wti.events.length;
    const stuckFrom = stuckEvents.events.length;
    const r = await admin('--reboot', 'toponode');
    expect(r.code, r.stdout + r.stderr).toBe(0);
    // Level 1 was tried: the board took a login, and its server never changed.
    expect(stuckEvents.events.slice(stuckFrom).some((e) => e.type === 'login')).toBe(true);
    expect(switched(stuckEvents.events, stuckFrom)).toEqual([]);
    expect(switched(wti.events, from)).toEqual(['7:OFF', '7:ON']);
    const h = await admin('--history', 'toponode', '--verbose');
    expect(h.stdout).toMatch(/reboot of toponode successful/);
    // The fencer's log names both levels' devices with their results.
    expect(cluster.log()).toMatch(/targeting toponode using ilo-stuck returned 1/);
    expect(cluster.log()).toMatch(/targeting toponode using wti-topo returned 0/);
  }, 180_000);

  it('a wrong password fails, and no plug changes', async () => {
    const before = plugStates(wti.emulator);
    const from = wti.events.length;
    const r = await admin('--fence', 'wrongpw');
    expect(r.code).not.toBe(0);
    expect(plugStates(wti.emulator)).toBe(before);
    expect(wti.events.slice(from).some((e) => e.type === 'login-failed')).toBe(true);
    expect((await admin('--history', 'wrongpw')).stdout).not.toMatch(/successful/);
  }, 180_000);

  it('a stuck relay fails and is never reported as done', async () => {
    wti.emulator.device.faults.add('stuck-relay');
    try {
      const r = await admin('--fence', 'stucknode');
      expect(r.code).not.toBe(0);
      expect(wti.emulator.device.bank.get(6)?.state).toBe('ON');
      expect((await admin('--history', 'stucknode')).stdout).not.toMatch(/successful/);
    } finally {
      wti.emulator.device.faults.delete('stuck-relay');
    }
  }, 180_000);
});
