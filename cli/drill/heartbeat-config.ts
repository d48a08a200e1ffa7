/**
 * The files of the classic two-node heartbeat cluster the heartbeat drill
 * builds: ha.cf, authkeys, haresources, the drill's resource script and the
 * script each node boots with. Text only, no I/O, so a test can read exactly
 * what heartbeat will be given.
 */

/** The heartbeat binary Debian's package installs (heartbeat 3.0.6). */
export const HEARTBEAT_BIN = '/usr/libexec/heartbeat/heartbeat';

/** The name heartbeat's resource manager knows the drill's resource by (a script in resource.d). */
export const RESOURCE_NAME = 'drill-res';

export interface HeartbeatNode {
  /** Host name, and the WTI plug name wti_nps switches by. */
  name: string;
  /** Address on the lab link. */
  address: string;
}

export interface HeartbeatClusterConfig {
  nodes: readonly [HeartbeatNode, HeartbeatNode];
  /** The node whose haresources line names it: it holds the resource first. */
  owner: string;
  /** The emulated IPS-800's telnet address (wti_nps always uses port 23). */
  switchAddress: string;
  /** Heartbeat timing: a short keepalive and deadtime, so a drill takes seconds, not minutes. */
  keepaliveMs: number;
  warntimeMs: number;
  deadtimeMs: number;
  initdeadMs: number;
  /** The lab link's interface inside each node. */
  iface: string;
}

/** Durations as heartbeat reads them ("500ms", "3"), whole seconds when they are. */
function duration(ms: number): string {
  return ms % 1000 === 0 ? String(ms / 1000) : `${ms}ms`;
}

/**
 * ha.cf for one node. It names the password of the switch (heartbeat has no
 * other place for it), so the drill writes it 0600 as for authkeys.
 * `ucast` to the peer only: heartbeat would also send to its own address.
 */
export function haCf(
  c: HeartbeatClusterConfig,
  self: string,
  password: string,
  paths: { logfile: string; debugfile: string },
): string {
  const peers = c.nodes.filter((n) => n.name !== self);
  return [
    '# Written by fencekit drill heartbeat.',
    `logfile ${paths.logfile}`,
    `debugfile ${paths.debugfile}`,
    'use_logd no',
    `keepalive ${duration(c.keepaliveMs)}`,
    `warntime ${duration(c.warntimeMs)}`,
    `deadtime ${duration(c.deadtimeMs)}`,
    `initdead ${duration(c.initdeadMs)}`,
    ...peers.map((p) => `ucast ${c.iface} ${p.address}`),
    // The survivor keeps the resource when the fenced node boots again.
    'auto_failback off',
    ...c.nodes.map((n) => `node ${n.name}`),
    'crm no',
    `stonith_host * wti_nps ${c.switchAddress} ${password}`,
    '',
  ].join('\n');
}

/** authkeys with one SHA-1 key (heartbeat refuses the file unless it is 0600). */
export function authkeys(key: string): string {
  return `auth 1\n1 sha1 ${key}\n`;
}

export function haresources(owner: string): string {
  return `${owner} ${RESOURCE_NAME}\n`;
}

/**
 * The drill's resource, a heartbeat (v1) resource script: while it runs, it
 * appends "<host> <epoch ms>" to `<sharedDir>/writes` five times a second. A
 * node whose heartbeat dies keeps writing until its power is cut, which is why
 * the survivor must fence before it starts the resource; the file shows
 * whether the two ever wrote at the same time. Its pid file lives in the
 * node's own /run, which a power cut empties.
 */
export function resourceScript(sharedDir: string): string {
  return `#!/bin/sh
# ${RESOURCE_NAME}: written by fencekit drill heartbeat.
PIDFILE=/run/${RESOURCE_NAME}.pid
running() { [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; }
case "$1" in
start)
  running && exit 0
  host=$(hostname)
  ( while :; do echo "$host $(date +%s%3N)" >> '${sharedDir}/writes'; sleep 0.2; done ) </dev/null >/dev/null 2>&1 &
  echo $! > "$PIDFILE"
  exit 0;;
stop)
  running && kill "$(cat "$PIDFILE")"
  rm -f "$PIDFILE"
  exit 0;;
status)
  if running; then echo running; else echo stopped; fi
  exit 0;;
*)
  echo "usage: $0 start|stop|status" >&2
  exit 1;;
esac
`;
}

/**
 * The boot command of a node (run by the lab's node load once the node's
 * namespaces, link, host name, fresh /run and private /etc/ha.d and
 * /var/lib/heartbeat are in place): `sh boot.sh CONFDIR`. It installs the
 * drill's files from CONFDIR (a host directory the node shares) into its own
 * /etc/ha.d, makes the run directories heartbeat expects, and starts
 * heartbeat, which goes to the background.
 *
 * On its very first boot a node drops any heartbeat identity (UUID,
 * generation, host cache) its private /var/lib/heartbeat was seeded with from
 * the host, so the two nodes never share one; after that it keeps its own
 * across reboots, as a real disk does.
 */
export function bootScript(): string {
  return `#!/bin/sh
# Written by fencekit drill heartbeat.
set -e
conf=$1
install -m 0600 "$conf/ha.cf" /etc/ha.d/ha.cf
install -m 0600 "$conf/authkeys" /etc/ha.d/authkeys
install -m 0644 "$conf/haresources" /etc/ha.d/haresources
install -m 0755 "$conf/${RESOURCE_NAME}" /etc/ha.d/resource.d/${RESOURCE_NAME}
cd /var/lib/heartbeat
if [ ! -e .fencekit-drill ]; then
  rm -f hb_uuid hb_generation hostcache delhostcache
  touch .fencekit-drill
fi
for d in heartbeat heartbeat/ccm heartbeat/crm heartbeat/dopd crm; do
  mkdir -p "/run/$d"; chown hacluster:haclient "/run/$d"; chmod 0750 "/run/$d"
done
mkdir -p /run/resource-agents
mkdir -p "$conf/log"
echo "booted $(hostname) $(date +%s%3N)" >> "$conf/log/boot"
exec ${HEARTBEAT_BIN} >> "$conf/log/boot" 2>&1
`;
}
