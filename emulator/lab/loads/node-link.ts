import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';

/**
 * The lab link on the host side: one bridge per subnet, which every node of
 * that subnet joins through a veth pair, and which holds the subnet's last
 * address (127.0.12.254 for 127.0.12.0/24) so that the lab's units can listen
 * where the nodes reach them.
 *
 * The host treats all of 127/8 as local; a `127.0.12.0/24 dev <bridge>` route
 * in the local table (longer, so it wins) sends the subnet out of the bridge,
 * and route_localnet lets 127/8 packets cross it. Only the subnet's last
 * address stays local on the host: other addresses of the subnet cannot be
 * bound on the host while the bridge exists.
 *
 * Bridges are counted per process: the last node of a subnet to close removes
 * it (and its routes go with it).
 */
export interface Subnet {
  /** The node's own address and prefix, as given (127.0.12.1/24). */
  address: string;
  prefix: number;
  /** The subnet's last usable address: the host's end of the link. */
  hostAddress: string;
  bridge: string;
  network: string;
}

const IP = '/usr/sbin/ip';

export function parseSubnet(address: string): Subnet {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(address);
  const octets = m ? m.slice(1, 5).map(Number) : [];
  const prefix = m ? Number(m[5]) : Number.NaN;
  if (!m || octets.some((o) => o > 255) || prefix < 8 || prefix > 30 || octets[0] !== 127) {
    throw new Error(`node address '${address}' must be ADDRESS/PREFIX inside 127.0.0.0/8 (prefix 8 to 30)`);
  }
  const value = octets.reduce((a, o) => a * 256 + o, 0);
  const size = 2 ** (32 - prefix);
  const net = value - (value % size);
  const dotted = (v: number) => [24, 16, 8, 0].map((s) => Math.floor(v / 2 ** s) % 256).join('.');
  const hex = net.toString(16).padStart(8, '0');
  return {
    address,
    prefix,
    hostAddress: dotted(net + size - 2),
    network: `${dotted(net)}/${prefix}`,
    // 15 characters at most (IFNAMSIZ).
    bridge: `fk${hex}-${prefix}`,
  };
}

/** The host end of a node's veth pair: a short stable name from where the node lives. */
export function vethName(stateDir: string, unit: string, plug: number): string {
  return `fkv${createHash('sha256').update(`${stateDir}\0${unit}\0${plug}`).digest('hex').slice(0, 10)}`;
}

export function ip(args: string[]): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    execFile(IP, args, { timeout: 10_000 }, (err, _stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, stderr: String(stderr).trim() });
    });
  });
}

async function mustIp(args: string[]): Promise<void> {
  const r = await ip(args);
  if (r.code !== 0) throw new Error(`ip ${args.join(' ')}: ${r.stderr}`);
}

function setRouteLocalnet(dev: string): void {
  fs.writeFileSync(`/proc/sys/net/ipv4/conf/${dev}/route_localnet`, '1');
}

const users = new Map<string, Set<object>>();
/** One bridge set-up at a time per name, so two nodes booting together do not race. */
const pending = new Map<string, Promise<void>>();

/** Make (or join) the subnet's bridge for `user`. */
export async function joinBridge(subnet: Subnet, user: object): Promise<void> {
  const set = users.get(subnet.bridge) ?? new Set();
  users.set(subnet.bridge, set);
  set.add(user);
  let ready = pending.get(subnet.bridge);
  if (!ready) {
    ready = makeBridge(subnet);
    pending.set(subnet.bridge, ready);
    ready.catch(() => pending.delete(subnet.bridge));
  }
  await ready;
}

async function makeBridge(subnet: Subnet): Promise<void> {
  if ((await ip(['link', 'show', 'dev', subnet.bridge])).code !== 0) {
    await mustIp(['link', 'add', subnet.bridge, 'type', 'bridge']);
  }
  setRouteLocalnet(subnet.bridge);
  // A bridge takes the lowest MAC of its ports unless given one: when a node's veth
  // went away (a power cut) the bridge's MAC changed under the other node's ARP
  // cache, and its sessions with the unit stalled for half a minute.
  await mustIp(['link', 'set', subnet.bridge, 'address', bridgeMac(subnet.hostAddress)]);
  await ip(['addr', 'replace', `${subnet.hostAddress}/${subnet.prefix}`, 'dev', subnet.bridge]);
  await mustIp(['link', 'set', subnet.bridge, 'up']);
  await mustIp(['route', 'replace', subnet.network, 'dev', subnet.bridge, 'table', 'local', 'src', subnet.hostAddress]);
}

/** A locally administered MAC from the host's address on the link: 02:00:7f:00:0c:fe for 127.0.12.254. */
function bridgeMac(hostAddress: string): string {
  const hex = hostAddress.split('.').map((o) => Number(o).toString(16).padStart(2, '0'));
  return ['02', '00', ...hex].join(':');
}

/** `user` is done with the bridge: the last one removes it. */
export async function leaveBridge(subnet: Subnet, user: object): Promise<void> {
  const set = users.get(subnet.bridge);
  if (!set?.delete(user) || set.size > 0) return;
  users.delete(subnet.bridge);
  pending.delete(subnet.bridge);
  await ip(['link', 'del', subnet.bridge]);
}

/** Create the veth pair: `host` on the bridge, `eth0` inside the network namespace of `pid`. */
export async function plugVeth(subnet: Subnet, host: string, pid: number): Promise<void> {
  await ip(['link', 'del', host]); // a pair left by a node whose namespace is still going away
  await mustIp(['link', 'add', host, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', String(pid)]);
  setRouteLocalnet(host);
  await mustIp(['link', 'set', host, 'master', subnet.bridge]);
  // Before the port comes up (and before the node's boot command runs): a node
  // rebooted by its fence must not get one packet past an isolation.
  if (isolatedPorts.has(host)) await mustIp(isolateArgs(host, true));
  await mustIp(['link', 'set', host, 'up']);
}

/**
 * Host ports isolated on their bridge, by veth name. The setting belongs to
 * the port, not the veth: a node's veth dies with its namespace at every power
 * cut, and the one its next boot makes must be isolated too, as a switch
 * port's setting outlives the machine plugged into it.
 */
const isolatedPorts = new Set<string>();

const isolateArgs = (host: string, on: boolean) => [
  'link',
  'set',
  'dev',
  host,
  'type',
  'bridge_slave',
  'isolated',
  on ? 'on' : 'off',
];

/**
 * Isolate a node's port (bridge port isolation: isolated ports reach the
 * bridge and the other ports, not each other), now and after every reboot
 * of the node, until turned off.
 */
export async function isolatePort(host: string, on: boolean): Promise<void> {
  if (on) isolatedPorts.add(host);
  else isolatedPorts.delete(host);
  // The port is absent while its node is off: plugVeth applies the setting when it boots.
  const r = await ip(isolateArgs(host, on));
  if (r.code !== 0 && (await ip(['link', 'show', 'dev', host])).code === 0) {
    throw new Error(`ip ${isolateArgs(host, on).join(' ')}: ${r.stderr}`);
  }
}
