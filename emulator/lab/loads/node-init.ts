/**
 * What runs as PID 1 of a node (bash, inside the node's new network, mount,
 * UTS and PID namespaces). It waits for the host to move the node's end of
 * the lab link in, sets the link up, gives the node its hostname and private
 * state directories, says `booted`, starts the node's own boot command and
 * then stays as the reaper of orphans. Its stdin is a pipe from the lab: when
 * the lab process dies the pipe closes, PID 1 exits, and the kernel ends every
 * process of the node (a node never outlives its lab).
 *
 * Addresses: the lab link uses 127.0.0.0/8 (the project's rule for network
 * tests). Linux treats all of 127/8 as local through one `local 127.0.0.0/8`
 * route; inside the node that route is narrowed to 127.0.0.1 so the rest of
 * the block is reached through eth0, and route_localnet lets such packets
 * cross a real interface.
 */

/**
 * Directories a node keeps for itself, bound over the host's from
 * `<stateDir>/loads/<unit>-<plug>/root/<path>` (first seeded with a copy of
 * the host's, owners kept): the state and configuration of the cluster stacks
 * Debian ships (Corosync, Pacemaker, heartbeat), and the OCF agents so that a
 * drill can add its own without touching the host. Those the host lacks are
 * skipped. /run and /dev/shm are fresh tmpfs at every boot.
 */
export const NODE_PRIVATE_DIRS = [
  '/etc/corosync',
  '/var/lib/corosync',
  '/var/lib/pacemaker',
  '/var/log/pacemaker',
  '/var/log/cluster',
  '/etc/ha.d',
  '/var/lib/heartbeat',
  '/usr/lib/ocf/resource.d',
] as const;

export const NODE_INIT = String.raw`
set -e
echo ready
IFS= read -r go || exit 1
ip link set lo up
ip addr add "$FK_ADDRESS" dev eth0
ip link set eth0 up
for c in all default lo eth0; do echo 1 > /proc/sys/net/ipv4/conf/$c/route_localnet; done
ip route replace local 127.0.0.1 dev lo table local
ip route del local 127.0.0.0/8 dev lo table local
hostname "$FK_HOSTNAME"
mount -t tmpfs -o mode=0755 fencekit-run /run
mkdir -p /run/lock
mount -t tmpfs -o mode=1777 fencekit-shm /dev/shm
for d in $FK_PRIVATE; do
  [ -d "$d" ] || continue
  src="$FK_ROOT$d"
  if [ ! -d "$src" ]; then mkdir -p "$(dirname "$src")"; cp -a "$d" "$src"; fi
  mount --bind "$src" "$d"
done
echo booted
exec 1>&2
set +e
/bin/sh -c "$FK_BOOT" </dev/null &
while IFS= read -r line; do :; done
exit 0
`;
