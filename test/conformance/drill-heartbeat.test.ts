import { describe, expect, it } from 'vitest';
import { heartbeatDrill } from '../../cli/drill/heartbeat.js';
import { missingForHeartbeat } from '../../cli/drill/heartbeat-prerequisites.js';
import type { LabEvent } from '../../emulator/lab/types.js';

/**
 * The classic heartbeat setup, run for real: Debian's heartbeat 3.0.6 on two
 * nodes, pete and mclaws, each in namespaces of its own, with
 * `stonith_host * wti_nps 127.0.14.254 <password>` in ha.cf and an emulated
 * IPS-800 whose plugs power them. mclaws' heartbeat is killed while it holds
 * the resource; cluster-glue's wti_nps, loaded by pete's heartbeat, must be
 * what switches mclaws' plug OFF, and pete must hold the resource afterwards.
 * Addresses 127.0.14.0/24 (the lab's bridge: the switch .254 port 23,
 * pete .1, mclaws .2). Root only; one run takes about 20 s.
 */
function heartbeatPeer(): boolean {
  const missing = missingForHeartbeat();
  const reason =
    missing.length > 0
      ? `${missing.join(', ')} missing`
      : process.getuid?.() !== 0
        ? 'the heartbeat drill needs root (namespaces, a bridge, port 23)'
        : undefined;
  if (reason === undefined) return true;
  if (process.env.CI === 'true') throw new Error(`CI: required peer missing: ${reason}`);
  process.stderr.write(`\n*** SKIPPING the heartbeat drill: ${reason} ***\n\n`);
  return false;
}

const available = heartbeatPeer();

describe.skipIf(!available)('fencekit drill heartbeat: heartbeat 3 fences mclaws through wti_nps', () => {
  it("kills mclaws' heartbeat: pete resets it with wti_nps, the plug goes OFF, pete holds the resource", async () => {
    const events: LabEvent[] = [];
    const result = await heartbeatDrill({
      subnet: '127.0.14',
      failure: 'kill',
      timeoutMs: 100_000,
      onLabEvent: (e) => events.push(e),
    });

    // The switch itself saw pete's wti_nps log in by telnet and cut mclaws' plug (2).
    const plugs = events.filter((e) => e.type === 'plug');
    const off = plugs.find((e) => e.plug === 2 && e.to === 'OFF');
    expect(off, 'mclaws plug OFF event').toBeDefined();
    expect(off?.actor.protocol).toBe('telnet');
    expect(off?.actor.peer).toMatch(/^127\.0\.14\.1:\d+$/);
    const logins = events.filter(
      (e) =>
        e.type === 'session' && e.what === 'login' && e.actor.peer?.startsWith('127.0.14.1:') && e.id < (off?.id ?? 0),
    );
    expect(logins.length).toBeGreaterThan(0);
    // mclaws' node died with the power cut; pete's plug was never touched.
    expect(events.some((e) => e.type === 'load' && e.plug === 2 && e.status === 'dead')).toBe(true);
    expect(plugs.some((e) => e.plug === 1)).toBe(false);

    expect(result.reasons).toEqual([]);
    expect(result.verdict).toBe('pass');
    const at = (what: string, node: string) => result.timeline.find((e) => e.what === what && e.node === node)?.atMs;
    const failure = at('failure', 'mclaws');
    const plugOff = at('plug-off', 'mclaws');
    const started = result.timeline.find(
      (e) => e.what === 'resource-started' && e.node === 'pete' && e.atMs > (failure ?? 0),
    )?.atMs;
    // The timeline tells the story: the failure, pete's detection and fence request (read from its
    // log), the plug OFF, mclaws gone, and only then the resource on pete.
    for (const what of ['detected', 'fence-requested']) expect(at(what, 'mclaws')).toBeGreaterThan(failure ?? 0);
    expect(plugOff).toBeGreaterThan(failure ?? Number.POSITIVE_INFINITY);
    expect(at('node-gone', 'mclaws')).toBeGreaterThanOrEqual(plugOff ?? Number.POSITIVE_INFINITY);
    expect(started).toBeGreaterThan(plugOff ?? Number.POSITIVE_INFINITY);
    expect(result.timeline.find((e) => e.what === 'holder')?.detail).toBe(
      'drill-res status: pete running, mclaws stopped',
    );
    // How long the failover took on this machine, for the record (not asserted).
    process.stderr.write(
      `heartbeat drill: failure → plug OFF ${(plugOff ?? 0) - (failure ?? 0)} ms, → pete runs the resource ${
        (started ?? 0) - (failure ?? 0)
      } ms, whole drill ${result.timeline.at(-1)?.atMs} ms\n`,
    );
  }, 120_000);
});
