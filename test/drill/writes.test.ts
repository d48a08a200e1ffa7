import { describe, expect, it } from 'vitest';
import { parseCrmMon } from '../../cli/drill/lab-cluster.js';
import { formatResult } from '../../cli/drill/print.js';
import { overlaps, parseRuns } from '../../cli/drill/writes.js';
import { parseSubnet } from '../../emulator/lab/loads/node-link.js';

describe('the shared-disk check', () => {
  it('finds no overlap when one node stops before the other starts', () => {
    const runs = parseRuns(
      ['pa start 1000', 'pa write 1100', 'pa write 1200', 'pa stop 1250', 'pb start 1300', 'pb write 1400'].join('\n'),
    );
    expect(runs.map((r) => [r.node, r.startMs, r.endMs, r.stopped])).toEqual([
      ['pa', 1000, 1250, true],
      ['pb', 1300, 1400, false],
    ]);
    expect(overlaps(runs)).toEqual([]);
  });

  it('ends a killed run at its last write, and reports a node that kept writing after the other started', () => {
    const runs = parseRuns(
      ['pa start 1000', 'pa write 1100', 'pb start 1150', 'pa write 1200', 'pb write 1250'].join('\n'),
    );
    const found = overlaps(runs);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/^pa wrote from .* while pb wrote from/);
  });

  it('treats a restart of the same node as a new run, never an overlap with itself', () => {
    const runs = parseRuns(['pa start 1000', 'pa write 1100', 'pa start 2000', 'pa write 2100'].join('\n'));
    expect(runs).toHaveLength(2);
    expect(overlaps(runs)).toEqual([]);
  });
});

describe('reading crm_mon', () => {
  it('names the online nodes, where the resource runs and the DC', () => {
    const xml = `<crm_mon><summary><current_dc present="true" version="2.1.5" name="pb" id="2" with_quorum="true"/></summary>
<nodes><node name="pa" id="1" online="true" standby="false" unclean="false"/><node name="pb" id="2" online="true" unclean="false"/></nodes>
<resources><resource id="disk" resource_agent="ocf:fencekit:diskwriter" role="Started" active="true" failed="false"><node name="pa" id="1" cached="true"/></resource></resources></crm_mon>`;
    expect(parseCrmMon(xml)).toEqual({ online: ['pa', 'pb'], resourceOn: ['pa'], dc: 'pb' });
  });

  it('counts an unclean node as not online and a stopped resource as nowhere', () => {
    const xml = `<nodes><node name="pa" id="1" online="true" unclean="true"/><node name="pb" id="2" online="true" unclean="false"/></nodes>
<resources><resource id="disk" role="Stopped" active="false"></resource></resources>`;
    expect(parseCrmMon(xml)).toEqual({ online: ['pb'], resourceOn: [], dc: null });
  });
});

describe('the lab link', () => {
  it("puts the host at the subnet's last address and names the bridge within 15 characters", () => {
    const s = parseSubnet('127.0.12.1/24');
    expect(s.hostAddress).toBe('127.0.12.254');
    expect(s.network).toBe('127.0.12.0/24');
    expect(s.bridge.length).toBeLessThanOrEqual(15);
  });

  it('refuses an address outside 127.0.0.0/8', () => {
    expect(() => parseSubnet('10.0.0.1/24')).toThrow(/inside 127\.0\.0\.0\/8/);
  });
});

describe('the printed timeline', () => {
  it('shows each entry in a row, then the verdict and its reasons', () => {
    const text = formatResult({
      scenario: 'disorderly',
      verdict: 'fail',
      reasons: ['pb never started the resource'],
      timeline: [{ atMs: 1500, what: 'plug-off', node: 'pa', detail: 'plug 1 ON → OFF' }],
    });
    expect(text).toMatch(/^ *1\.500 s +plug-off +pa +plug 1 ON → OFF$/m);
    expect(text).toContain('disorderly: FAIL\n  - pb never started the resource');
  });
});
