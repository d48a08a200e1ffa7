/**
 * The drills' resource: an OCF agent (`ocf:fencekit:diskwriter`) that, while
 * it runs, appends `<node> write <epoch ms>` to `<dir>/writes.log` ten times a
 * second and keeps `<dir>/owner` (the node and the time of its last write):
 * what a database writing to a shared disk does, small enough to read. `start`
 * and `stop` lines mark its runs. A node that is killed writes no `stop`: its
 * run ends at its last write. The shared-disk check (writes.ts) reads the log.
 *
 * It is text here, not a file beside the code, so that it ships in the build
 * whatever bundles it; the drill writes it to the shared directory and each
 * node's boot script installs it into the node's own OCF directory.
 */
export const DISKWRITER_AGENT = String.raw`#!/bin/sh
# ocf:fencekit:diskwriter: writes to a shared directory while it runs (fencekit drills).
: "${'$'}{OCF_RESKEY_dir:=/var/lib/fencekit-disk}"
: "${'$'}{OCF_RESKEY_interval:=0.1}"
dir=$OCF_RESKEY_dir
node=$(uname -n)
pidfile=/run/fencekit-diskwriter.pid
now() { date +%s%3N; }
running() { [ -s "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; }
case "$1" in
start)
  running && exit 0
  mkdir -p "$dir" || exit 1
  echo "$node start $(now)" >> "$dir/writes.log"
  (
    while :; do
      t=$(now)
      echo "$node write $t" >> "$dir/writes.log"
      echo "$node $t" > "$dir/owner"
      sleep "$OCF_RESKEY_interval"
    done
  ) </dev/null >/dev/null 2>&1 &
  echo $! > "$pidfile"
  exit 0 ;;
stop)
  if running; then kill "$(cat "$pidfile")"; echo "$node stop $(now)" >> "$dir/writes.log"; fi
  rm -f "$pidfile"
  exit 0 ;;
monitor|status)
  running && exit 0
  exit 7 ;;
validate-all)
  exit 0 ;;
meta-data)
  cat <<'END'
<?xml version="1.0"?>
<!DOCTYPE resource-agent SYSTEM "ra-api-1.dtd">
<resource-agent name="diskwriter" version="1.0">
  <version>1.0</version>
  <longdesc lang="en">Appends its node's name and the time to a shared directory ten times a second while it runs (fencekit drills).</longdesc>
  <shortdesc lang="en">Writes to a shared disk</shortdesc>
  <parameters>
    <parameter name="dir" unique="0" required="0">
      <longdesc lang="en">The shared directory.</longdesc>
      <shortdesc lang="en">Shared directory</shortdesc>
      <content type="string" default="/var/lib/fencekit-disk"/>
    </parameter>
    <parameter name="interval" unique="0" required="0">
      <longdesc lang="en">Seconds between writes.</longdesc>
      <shortdesc lang="en">Interval</shortdesc>
      <content type="string" default="0.1"/>
    </parameter>
  </parameters>
  <actions>
    <action name="start" timeout="20s"/>
    <action name="stop" timeout="20s"/>
    <action name="monitor" timeout="20s" interval="2s"/>
    <action name="validate-all" timeout="20s"/>
    <action name="meta-data" timeout="5s"/>
  </actions>
</resource-agent>
END
  exit 0 ;;
*)
  exit 3 ;;
esac
`;
