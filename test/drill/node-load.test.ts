import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoadContext } from '../../emulator/lab/loads/load.js';
import { NodeLoad } from '../../emulator/lab/loads/node-load.js';
import type { LoadStatus } from '../../emulator/lab/types.js';
import { nodePeer } from '../helpers/node-peer.js';
import { waitFor } from '../helpers/wait.js';

/**
 * A node load on its own (no lab): namespaces, the lab link on
 * 127.0.13.0/24, the shared directory, a power cut that ends the whole PID
 * namespace, and freeze. Two nodes, so the link is proven both ways.
 */
const { available } = await nodePeer(['/usr/bin/nsenter', '/usr/bin/ping']);

describe.skipIf(!available)('NodeLoad', () => {
  let dir: string;
  let shared: string;
  const statuses: Record<string, LoadStatus[]> = { a: [], b: [] };
  let a: NodeLoad;
  let b: NodeLoad;
  const ctx = (name: string, plug: number): LoadContext => ({
    unit: 'node-test',
    plug,
    stateDir: dir,
    onStatus: (s) => statuses[name]?.push(s),
  });
  const inNode = (load: NodeLoad, script: string) =>
    execFileSync(
      '/usr/bin/nsenter',
      ['-t', String(load.view().pid), '-n', '-m', '-u', '-p', '--', '/bin/sh', '-c', script],
      {
        encoding: 'utf8',
        timeout: 10_000,
      },
    );
  const alive = (pid: number) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fencekit-node-load-'));
    shared = path.join(dir, 'shared');
    // Each node writes its hostname to the shared directory every 50 ms while it runs.
    const boot = `while :; do echo "$(hostname) $$" >> ${shared}/$(hostname).log; sleep 0.05; done`;
    a = new NodeLoad({ hostname: 'na', address: '127.0.13.1/24', boot, shared: [shared] }, ctx('a', 1));
    b = new NodeLoad({ hostname: 'nb', address: '127.0.13.2/24', boot, shared: [shared] }, ctx('b', 2));
    a.powerOn();
    b.powerOn();
    await waitFor(() => a.view().status === 'alive' && b.view().status === 'alive', {
      what: 'both nodes booted',
      timeoutMs: 20_000,
    });
  });

  afterAll(async () => {
    await a?.close();
    await b?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('boots each node with its own hostname, its address on the lab link, and only its own processes', () => {
    expect(inNode(a, 'hostname').trim()).toBe('na');
    expect(inNode(a, 'ip -br addr show dev eth0')).toContain('127.0.13.1/24');
    // PID 1 is the node's init: the host's processes are not there.
    expect(inNode(a, 'cat /proc/1/cmdline | tr "\\0" " "')).toMatch(/bash/);
    expect(Number(inNode(a, 'ls /proc | grep -c "^[0-9]"'))).toBeLessThan(20);
  });

  it('reaches the other node and the host end of the link over 127.0.13.0/24', () => {
    expect(inNode(a, 'ping -c1 -W2 127.0.13.2 >/dev/null && echo ok').trim()).toBe('ok');
    expect(inNode(b, 'ping -c1 -W2 127.0.13.254 >/dev/null && echo ok').trim()).toBe('ok');
  });

  it('freezes every process of the node, and thaws them', async () => {
    const before = fs.statSync(path.join(shared, 'na.log')).size;
    a.freeze();
    expect(a.view().status).toBe('frozen');
    const pid = a.view().pid as number;
    const state = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0];
    expect(state).toBe('T');
    const frozenSize = fs.statSync(path.join(shared, 'na.log')).size;
    a.thaw();
    await waitFor(() => fs.statSync(path.join(shared, 'na.log')).size > frozenSize, { what: 'na writing again' });
    expect(frozenSize).toBeGreaterThanOrEqual(before);
  });

  it('a power cut ends the whole PID namespace at once; what the node wrote to the shared directory stays', async () => {
    const pid = a.view().pid as number;
    const ns = fs.readlinkSync(`/proc/${pid}/ns/pid`);
    a.freeze(); // a frozen node dies too
    await a.powerOff();
    expect(a.view().status).toBe('dead');
    expect(alive(pid)).toBe(false);
    // No process of the node's PID namespace is left (the writer included).
    const left = fs.readdirSync('/proc').filter((e) => {
      try {
        return /^\d+$/.test(e) && fs.readlinkSync(`/proc/${e}/ns/pid`) === ns;
      } catch {
        return false;
      }
    });
    expect(left).toEqual([]);
    expect(fs.readFileSync(path.join(shared, 'na.log'), 'utf8')).toMatch(/^na \d+$/m);
    expect(statuses.a).toEqual(['starting', 'alive', 'frozen', 'alive', 'frozen', 'dead']);
  });

  it('boots again on the next ON, with a new PID namespace', async () => {
    a.powerOn();
    await waitFor(() => a.view().status === 'alive', { what: 'na booted again', timeoutMs: 20_000 });
    expect(inNode(a, 'hostname').trim()).toBe('na');
  });
});
