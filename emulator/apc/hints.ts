import type { ApcConfig } from '../config.js';
import type { ApcDevice } from './apc-device.js';
import type { ApcFrontEnds } from './unit.js';

/** How to reach an APC card with the real clients. */
export function apcHints({
  config,
  device,
  frontEnds,
}: {
  config: ApcConfig;
  device: ApcDevice;
  frontEnds: ApcFrontEnds;
}): string[] {
  const user = device.users[0];
  const login = user ? `-l ${user.name} -p ${user.password === 'apc' ? 'apc' : '<password>'}` : '';
  const lines: string[] = [];
  const model = `${config.model}, AOS v${device.firmware}`;
  if (frontEnds.telnet) {
    const a = frontEnds.telnet.address;
    lines.push(`listening on ${a.address}:${a.port} (telnet, ${model})`);
    lines.push(`  fence:    fence_apc -a ${a.address} -u ${a.port} ${login} -o list`);
  }
  if (frontEnds.ssh) {
    const a = frontEnds.ssh.address;
    lines.push(`listening on ${a.address}:${a.port} (ssh, ${model})`);
    lines.push(
      `  fence:    fence_apc -x -a ${a.address} -u ${a.port} ${login} -o list --ssh-options='-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null'`,
    );
  }
  if (frontEnds.snmp) {
    const a = frontEnds.snmp.address;
    lines.push(`listening on ${a.address}:${a.port} (snmp, udp)`);
    lines.push(`  fence:    fence_apc_snmp -a ${a.address} -u ${a.port} -c <community> -o list`);
    // The first SNMPv3 user, its passwords never shown.
    const v3 = device.snmpUsers[0];
    if (v3) {
      const auth = v3.authKey
        ? ` -p <auth password> --snmp-auth-prot ${v3.authProtocol === 'md5' ? 'MD5' : 'SHA'}`
        : '';
      const priv = v3.privKey
        ? ` --snmp-priv-prot ${v3.privProtocol === 'des' ? 'DES' : 'AES'} --snmp-priv-passwd <priv password>`
        : '';
      const level = v3.privKey ? 'authPriv' : v3.authKey ? 'authNoPriv' : 'noAuthNoPriv';
      lines.push(
        `  fence:    fence_apc_snmp -d 3 -l ${v3.name} --snmp-sec-level ${level}${auth}${priv} -a ${a.address} -u ${a.port} -o list`,
      );
    }
  }
  return lines;
}
