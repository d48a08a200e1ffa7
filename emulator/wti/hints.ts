import type { WtiConfig } from '../config.js';
import type { WtiFrontEnds } from './unit.js';
import type { WtiDevice } from './wti-device.js';

/** The built-in demo password of emulator/default-config.json, the only one ever printed. */
const DEMO_PASSWORD = 'changeme';

/** How to reach a WTI unit with the real clients. */
export function wtiHints({
  config,
  device,
  frontEnds,
}: {
  config: WtiConfig;
  device: WtiDevice;
  frontEnds: WtiFrontEnds;
}): string[] {
  const lines: string[] = [];
  if (frontEnds.telnet) {
    const a = frontEnds.telnet.address;
    lines.push(
      `listening on ${a.address}:${a.port} (telnet, ${device.personality.product} ${device.personality.firmware}, model ${config.model})`,
    );
    const pw =
      device.systemPassword === null ? null : device.systemPassword === DEMO_PASSWORD ? DEMO_PASSWORD : '<password>';
    lines.push(`  connect:  telnet ${a.address} ${a.port}`);
    lines.push(`  fence:    fence_wti -a ${a.address} -u ${a.port}${pw ? ` -p ${pw}` : ''} -o list`);
    if (a.port === 23)
      lines.push(`  stonith:  stonith -t wti_nps ipaddr=${a.address} password=${pw ?? '<password>'} -l`);
  }
  if (frontEnds.serial) lines.push(`listening on ${config.serial} (serial, ${config.baud ?? 9600} baud)`);
  if (device.systemPassword === null) {
    lines.push(
      '  note: no system password is set; cluster-glue wti_nps needs one (--password, --password-file or FENCEKIT_PASSWORD)',
    );
  }
  return lines;
}
