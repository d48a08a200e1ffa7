/**
 * What a drill's two-node Corosync + Pacemaker cluster is made of, as text:
 * corosync.conf (knet on the lab link, two_node, short token so a lost node is
 * seen within about a second), the first CIB both nodes boot with (fencing
 * on, short timeouts, one fence device per node through the lab's WTI unit,
 * the diskwriter resource), and each node's boot script.
 */
export interface DrillNode {
  name: string;
  /** On the lab link, without the prefix. */
  address: string;
  /** The WTI plug that powers it. */
  plug: number;
}

export interface FenceSetup {
  /** The stonith agent: fence_wti (the real client) or fence_fencekit. */
  agent: 'fence_wti' | 'fence_fencekit';
  host: string;
  port: number;
  password: string;
  /**
   * A second fencing level: each node's own iLO (Redfish, on `host`), tried
   * when the WTI level fails. fence_redfish (the real client) when the first
   * level is fence_wti; fence_fencekit's redfish driver with fence_fencekit.
   */
  secondLevel?: { iloPort(node: DrillNode): number; username: string };
}

export function corosyncConf(nodes: DrillNode[]): string {
  const list = nodes
    .map((n, i) => `\tnode {\n\t\tname: ${n.name}\n\t\tnodeid: ${i + 1}\n\t\tring0_addr: ${n.address}\n\t}\n`)
    .join('');
  return `totem {
\tversion: 2
\tcluster_name: fencekit-drill
\ttransport: knet
\tcrypto_cipher: none
\tcrypto_hash: none
\t# A lost node is declared gone about a second after its last token (3 s by default).
\ttoken: 1000
\tjoin: 50
}
logging {
\tto_stderr: yes
\tto_logfile: no
\tto_syslog: no
\ttimestamp: on
}
quorum {
\tprovider: corosync_votequorum
\ttwo_node: 1
}
nodelist {
${list}}
`;
}

const attr = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');
const nv = (id: string, name: string, value: string) =>
  `<nvpair id="${id}-${name}" name="${name}" value="${attr(value)}"/>`;

/**
 * The CIB both nodes start from. The device fencing the first node (where
 * the resource starts) waits 2 s first (pcmk_delay_base): in a split brain
 * both nodes shoot, and the delay lets the node holding the resource win
 * instead of both dying.
 */
export function cibXml(nodes: DrillNode[], fence: FenceSetup, sharedDisk: string): string {
  const devices = nodes
    .map((n, i) => {
      const id = `fence-${n.name}`;
      const params = [
        nv(id, 'ip', fence.host),
        nv(id, 'ipport', String(fence.port)),
        nv(id, 'password', fence.password),
        nv(id, 'plug', String(n.plug)),
        nv(id, 'pcmk_host_list', n.name),
        ...(fence.agent === 'fence_fencekit' ? [nv(id, 'driver', 'wti')] : []),
        ...(i === 0 ? [nv(id, 'pcmk_delay_base', '2s')] : []),
      ].join('');
      return (
        `<primitive id="${id}" class="stonith" type="${fence.agent}">` +
        `<instance_attributes id="${id}-params">${params}</instance_attributes>` +
        `<operations><op id="${id}-monitor" name="monitor" interval="60s" timeout="20s"/></operations></primitive>`
      );
    })
    .join('');
  const second = fence.secondLevel;
  const iloDevices = second
    ? nodes
        .map((n) => {
          const id = `fence-ilo-${n.name}`;
          const params = [
            nv(id, 'ip', fence.host),
            nv(id, 'ipport', String(second.iloPort(n))),
            nv(id, 'username', second.username),
            nv(id, 'password', fence.password),
            nv(id, 'ssl_insecure', '1'),
            // fence_redfish takes no plug; fence_fencekit's redfish driver wants the server's, 1.
            ...(fence.agent === 'fence_fencekit'
              ? [nv(id, 'driver', 'redfish'), nv(id, 'pcmk_host_map', `${n.name}:1`)]
              : [nv(id, 'pcmk_host_list', n.name)]),
          ].join('');
          const agent = fence.agent === 'fence_fencekit' ? 'fence_fencekit' : 'fence_redfish';
          return (
            `<primitive id="${id}" class="stonith" type="${agent}">` +
            `<instance_attributes id="${id}-params">${params}</instance_attributes>` +
            `<operations><op id="${id}-monitor" name="monitor" interval="60s" timeout="20s"/></operations></primitive>`
          );
        })
        .join('')
    : '';
  const deviceIds = (n: DrillNode) => [`fence-${n.name}`, ...(second ? [`fence-ilo-${n.name}`] : [])];
  const avoidSelf = nodes
    .flatMap((n) =>
      deviceIds(n).map((id) => `<rsc_location id="${id}-not-self" rsc="${id}" node="${n.name}" score="-INFINITY"/>`),
    )
    .join('');
  // Level 1 the PDU outlet, level 2 the node's iLO: Pacemaker tries the second only when the first fails.
  const topology = second
    ? `<fencing-topology>${nodes
        .flatMap((n) =>
          deviceIds(n).map(
            (id, i) =>
              `<fencing-level id="level-${i + 1}-${n.name}" target="${n.name}" index="${i + 1}" devices="${id}"/>`,
          ),
        )
        .join('')}</fencing-topology>`
    : '';
  const first = nodes[0]?.name ?? '';
  return `<cib validate-with="pacemaker-3.9" epoch="1" num_updates="0" admin_epoch="0">
  <configuration>
    <crm_config>
      <cluster_property_set id="cib-bootstrap-options">
        ${nv('opt', 'stonith-enabled', 'true')}
        ${nv('opt', 'stonith-timeout', '30s')}
        ${nv('opt', 'cluster-recheck-interval', '30s')}
        ${nv('opt', 'dc-deadtime', '5s')}
        ${nv('opt', 'no-quorum-policy', 'stop')}
      </cluster_property_set>
    </crm_config>
    <nodes/>
    <resources>${devices}${iloDevices}<primitive id="disk" class="ocf" provider="fencekit" type="diskwriter"><instance_attributes id="disk-params">${nv('disk', 'dir', sharedDisk)}</instance_attributes><meta_attributes id="disk-meta">${nv('disk-meta', 'resource-stickiness', '100')}</meta_attributes><operations><op id="disk-monitor" name="monitor" interval="2s" timeout="20s"/></operations></primitive></resources>
    <constraints>${avoidSelf}<rsc_location id="disk-prefers-${first}" rsc="disk" node="${first}" score="50"/></constraints>
    ${topology}
  </configuration>
  <status/>
</cib>
`;
}

/**
 * A node's boot, run inside its namespaces: its configuration from the
 * drill's directory, a fresh CIB on its first boot only (a rebooted node
 * keeps its own, as a real one does), the resource agent, then corosync and
 * pacemakerd in the foreground.
 */
export function bootScript(conf: string): string {
  return `#!/bin/sh
set -e
cp "${conf}/corosync.conf" /etc/corosync/corosync.conf
if [ ! -e /var/lib/pacemaker/fencekit-drill ]; then
  rm -rf /var/lib/pacemaker/cib/*
  cp "${conf}/cib.xml" /var/lib/pacemaker/cib/cib.xml
  chown -R hacluster:haclient /var/lib/pacemaker/cib
  chmod 600 /var/lib/pacemaker/cib/cib.xml
  : > /var/log/pacemaker/pacemaker.log
  chown hacluster:haclient /var/log/pacemaker/pacemaker.log
  touch /var/lib/pacemaker/fencekit-drill
fi
mkdir -p /usr/lib/ocf/resource.d/fencekit
cp "${conf}/diskwriter" /usr/lib/ocf/resource.d/fencekit/diskwriter
chmod 755 /usr/lib/ocf/resource.d/fencekit/diskwriter
corosync -f &
i=0
until corosync-cmapctl totem.cluster_name >/dev/null 2>&1; do
  i=$((i + 1)); [ $i -lt 200 ] || exit 1; sleep 0.05
done
exec pacemakerd
`;
}
