import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cibXml, type DrillNode, type FenceSetup } from '../../cli/drill/cluster-files.js';
import { LEVEL_1_FAILED, logTime } from '../../cli/drill/fallback.js';
import { peer, run } from '../helpers/run.js';

/**
 * The `fallback` drill's two fencing levels as the CIB says them (checked by
 * Pacemaker's own crm_verify), and how the drill reads the fencer's log.
 */
const nodes: DrillNode[] = [
  { name: 'pa', address: '127.0.12.1', plug: 1 },
  { name: 'pb', address: '127.0.12.2', plug: 2 },
];
const setup = (agent: FenceSetup['agent']): FenceSetup => ({
  agent,
  host: '127.0.12.254',
  port: 23,
  password: 'drill',
  secondLevel: { iloPort: (n) => 8440 + n.plug, username: 'fencer' },
});
const CRM_VERIFY = '/usr/sbin/crm_verify';

describe('the CIB with a second fencing level', () => {
  it('has the WTI plug at level 1 and the node’s iLO (fence_redfish) at level 2, for each node', () => {
    const xml = cibXml(nodes, setup('fence_wti'), '/srv/disk');
    expect(xml).toContain('<fencing-level id="level-1-pa" target="pa" index="1" devices="fence-pa"/>');
    expect(xml).toContain('<fencing-level id="level-2-pa" target="pa" index="2" devices="fence-ilo-pa"/>');
    expect(xml).toContain('<fencing-level id="level-2-pb" target="pb" index="2" devices="fence-ilo-pb"/>');
    expect(xml).toContain('<primitive id="fence-ilo-pb" class="stonith" type="fence_redfish">');
    expect(xml).toContain('name="ipport" value="8442"');
    expect(xml).toContain('name="ssl_insecure" value="1"');
    // A node never fences itself, through either device.
    expect(xml).toContain('<rsc_location id="fence-ilo-pa-not-self" rsc="fence-ilo-pa" node="pa" score="-INFINITY"/>');
  });

  it('with fence_fencekit, level 2 is its redfish driver', () => {
    const xml = cibXml(nodes, setup('fence_fencekit'), '/srv/disk');
    expect(xml).toContain('<primitive id="fence-ilo-pa" class="stonith" type="fence_fencekit">');
    expect(xml).toContain('<nvpair id="fence-ilo-pa-driver" name="driver" value="redfish"/>');
    // Its redfish driver takes the server as plug 1, not the node's name.
    expect(xml).toContain('<nvpair id="fence-ilo-pa-pcmk_host_map" name="pcmk_host_map" value="pa:1"/>');
  });

  it('without a second level there is no topology and no iLO device', () => {
    const { secondLevel: _, ...one } = setup('fence_wti');
    const xml = cibXml(nodes, one, '/srv/disk');
    expect(xml).not.toContain('fencing-topology');
    expect(xml).not.toContain('fence-ilo');
  });

  it.skipIf(!peer(CRM_VERIFY).available)('is a configuration Pacemaker’s crm_verify accepts', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fencekit-cib-'));
    try {
      const file = path.join(dir, 'cib.xml');
      fs.writeFileSync(file, cibXml(nodes, setup('fence_wti'), '/srv/disk'));
      const r = await run(CRM_VERIFY, ['--xml-file', file]);
      expect(r.stderr).not.toMatch(/error/i);
      expect(r.code).toBe(0);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('reading the fencer’s log', () => {
  const log = [
    "Dec 03 07:41:54.349 pb pacemaker-fenced    [73] (request_peer_fencing) \tnotice: Requesting that pb perform 'reboot' action targeting pa using fence-pa | for client pacemaker-controld.77 (36s)",
    "Dec 03 07:42:08.313 pb pacemaker-fenced    [73] (log_async_result) \terror: Operation 'reboot' [145] targeting pa using fence-pa returned 1 | call 5 from pacemaker-controld.77",
    "Dec 03 07:42:08.313 pb pacemaker-fenced    [73] (request_peer_fencing) \tnotice: Requesting that pb perform 'reboot' action targeting pa using fence-ilo-pa | for client pacemaker-controld.77 (36s)",
  ].join('\n');
  const since = new Date(2026, 11, 3, 7, 41, 50).getTime();

  it('gives the time of the first matching line after the start, in the machine’s local time', () => {
    const at = logTime(log, /using fence-ilo-pa/, since);
    expect(at).toBe(new Date(2026, 11, 3, 7, 42, 8, 313).getTime());
  });

  it('finds a level that Pacemaker timed out as well as one that failed', () => {
    const timedOut =
      "Dec 03 07:47:17.745 pb pacemaker-fenced    [75] (log_async_result) \terror: Operation 'reboot' [205] targeting pa using fence-pa could not be executed: Timed Out (Fence agent did not complete within 30s) | call 6 from pacemaker-controld.79";
    expect(logTime(timedOut, LEVEL_1_FAILED('pa'), since)).toBe(new Date(2026, 11, 3, 7, 47, 17, 745).getTime());
    expect(logTime(log, LEVEL_1_FAILED('pa'), since)).toBe(new Date(2026, 11, 3, 7, 42, 8, 313).getTime());
  });

  it('ignores lines from before the start, and says nothing when no line matches', () => {
    expect(logTime(log, /using fence-pa/, new Date(2026, 11, 3, 7, 42, 0).getTime())).toBe(
      new Date(2026, 11, 3, 7, 42, 8, 313).getTime(),
    );
    expect(logTime(log, /fence-ilo-pb/, since)).toBeUndefined();
  });
});
