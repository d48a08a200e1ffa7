import { describe, expect, it } from 'vitest';
import { heartbeatDrill } from '../../cli/drill/heartbeat.js';
import { authkeys, type HeartbeatClusterConfig, haCf, haresources } from '../../cli/drill/heartbeat-config.js';
import { classifyLine, LogFollower } from '../../cli/drill/heartbeat-log.js';
import { missingForHeartbeat } from '../../cli/drill/heartbeat-prerequisites.js';

/**
 * The heartbeat drill's files as heartbeat will read them, and its reading of
 * heartbeat's log (lines captured from heartbeat 3.0.6 on pete during a drill).
 */
const cluster: HeartbeatClusterConfig = {
  nodes: [
    { name: 'pete', address: '127.0.14.1' },
    { name: 'mclaws', address: '127.0.14.2' },
  ],
  owner: 'mclaws',
  switchAddress: '127.0.14.254',
  keepaliveMs: 500,
  warntimeMs: 1500,
  deadtimeMs: 3000,
  initdeadMs: 6000,
  iface: 'eth0',
};

describe('heartbeat drill files', () => {
  const cf = haCf(cluster, 'pete', 'pw', { logfile: '/d/pete/log/ha-log', debugfile: '/d/pete/log/ha-debug' });
  const lines = cf.split('\n');

  it('ha.cf: both nodes, v1 resources, and the classic stonith_host line for wti_nps', () => {
    expect(lines).toContain('node pete');
    expect(lines).toContain('node mclaws');
    expect(lines).toContain('crm no');
    expect(lines).toContain('stonith_host * wti_nps 127.0.14.254 pw');
    expect(lines).toContain('auto_failback off');
  });

  it('ha.cf: heartbeats go to the peer only, with sub-second keepalive written as heartbeat reads it', () => {
    expect(lines.filter((l) => l.startsWith('ucast '))).toEqual(['ucast eth0 127.0.14.2']);
    expect(lines).toContain('keepalive 500ms');
    expect(lines).toContain('warntime 1500ms');
    expect(lines).toContain('deadtime 3');
    expect(lines).toContain('initdead 6');
  });

  it('authkeys and haresources: one SHA-1 key, the resource owned by mclaws', () => {
    expect(authkeys('k')).toBe('auth 1\n1 sha1 k\n');
    expect(haresources('mclaws')).toBe('mclaws drill-res\n');
  });

  it('refuses a subnet outside 127/8 or an unknown failure before touching the machine', async () => {
    await expect(heartbeatDrill({ subnet: '10.0.14' })).rejects.toMatchObject({ code: 'EUSAGE' });
    await expect(heartbeatDrill({ subnet: '127.0.300' })).rejects.toMatchObject({ code: 'EUSAGE' });
    // @ts-expect-error: a CLI can pass any string
    await expect(heartbeatDrill({ failure: 'reboot' })).rejects.toThrow(/kill, freeze, cut-link/);
  });

  it('names the Debian package of each missing file', () => {
    expect(missingForHeartbeat(() => false)).toContain('/usr/libexec/heartbeat/heartbeat (apt-get install heartbeat)');
    expect(missingForHeartbeat(() => true)).toEqual([]);
  });
});

describe("the heartbeat drill's reading of heartbeat's log", () => {
  const captured: Array<[string, string | null, string | undefined]> = [
    ['Dec 03 04:36:52 pete heartbeat: [13]: WARN: node mclaws: is dead', 'detected', 'mclaws'],
    [
      'Dec 03 04:36:52 pete heartbeat: [68]: info: Resetting node mclaws with [WTI Network Power Switch]',
      'fence-requested',
      'mclaws',
    ],
    ['Dec 03 04:36:55 pete heartbeat: [68]: info: node mclaws now reset.', 'fenced', 'mclaws'],
    ['2026/12/03_04:36:55  mach_down(default)[97]:    info: Taking over resource group drill-res', 'takeover', 'pete'],
    [
      '2026/12/03_04:36:56  ResourceManager(default)[121]:    info: Running /etc/ha.d//resource.d/drill-res  start',
      'resource-start',
      'pete',
    ],
    ['Dec 03 04:36:56 pete heartbeat: [13]: info: Heartbeat restart on node mclaws', 'node-back', 'mclaws'],
    ['Dec 03 04:36:52 pete heartbeat: [13]: info: Link mclaws:eth0 dead.', null, undefined],
  ];

  it.each(captured)('%s', (line, what, node) => {
    const event = classifyLine(line, 'pete');
    expect(event?.what ?? null).toBe(what);
    expect(event?.node).toBe(node);
  });

  it('hands on whole lines only, however the file grows', () => {
    let file = '';
    const seen: string[] = [];
    const follower = new LogFollower(
      (offset) => Buffer.from(file).subarray(offset),
      (line) => seen.push(line),
    );
    file += 'one\ntw';
    follower.poll();
    expect(seen).toEqual(['one']);
    file += 'o\nthree\n';
    follower.poll();
    follower.poll();
    expect(seen).toEqual(['one', 'two', 'three']);
  });
});
