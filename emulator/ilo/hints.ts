import type { IloConfig } from '../config.js';
import type { IloDevice } from './ilo-device.js';
import type { IloFrontEnds } from './unit.js';

/** How to reach an iLO with the real clients. */
export function iloHints({
  device: d,
  frontEnds,
}: {
  config: IloConfig;
  device: IloDevice;
  frontEnds: IloFrontEnds;
}): string[] {
  const user = d.users[0] ?? { name: 'admin', password: 'admin' };
  // Only the built-in default is ever printed.
  const pw = user.password === 'admin' ? 'admin' : '<password>';
  const id = d.identity;
  const what = `${id.processor} firmware ${id.firmware}, RIBCL ${id.ribcl}`;
  const cert = frontEnds.certificate;
  const lines: string[] = [];
  const fence = (a: { address: string; port: number }) =>
    `  fence:    fence_ilo -a ${a.address} -u ${a.port} -l ${user.name} -p ${pw} --ssl-insecure -o status`;
  // riloe hands ilo_hostname to Python's http.client, which reads a ":port" too.
  const riloe = (a: { address: string; port: number }) =>
    `  stonith:  SSL_CERT_FILE=${cert?.certFile ?? '<certificate>'} stonith -t external/riloe hostlist=${d.hostName}` +
    ` ilo_hostname=${a.address}${a.port === 443 ? '' : `:${a.port}`} ilo_user=${user.name} ilo_password=${pw} -S`;
  if (frontEnds.tls) {
    const a = frontEnds.tls.address;
    lines.push(`listening on ${a.address}:${a.port} (tls, raw RIBCL, ${what})`);
    lines.push(fence(a), riloe(a));
  }
  if (frontEnds.https) {
    const a = frontEnds.https.address;
    lines.push(`listening on ${a.address}:${a.port} (https, raw RIBCL and HTTP, ${what})`);
    lines.push(fence(a), riloe(a));
    if (d.model === 'ilo4' || d.model === 'ilo5') {
      lines.push(
        `  redfish:  fence_redfish -a ${a.address} -u ${a.port} -l ${user.name} -p ${pw} --ssl-insecure -o status`,
      );
    }
  }
  if (cert) {
    if (cert.certFile) lines.push(`  cert:     ${cert.certFile}${cert.generated ? ' (made at this start)' : ''}`);
    else lines.push('  cert:     made for this run only; for one riloe can trust, give --state or --cert/--key');
    if (cert.replaced) lines.push(`  note:     the kept certificate was replaced: ${cert.replaced}`);
    lines.push(`  sha256:   ${cert.fingerprint256}`);
  }
  if (frontEnds.ssh) {
    const a = frontEnds.ssh.address;
    lines.push(`listening on ${a.address}:${a.port} (ssh, SMASH CLP)`);
    lines.push(
      `  fence:    fence_ilo_ssh -x -a ${a.address} -u ${a.port} -l ${user.name} -p ${pw} -o status` +
        ` --ssh-options='-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null'`,
    );
  }
  return lines;
}
