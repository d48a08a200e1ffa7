/**
 * How consumers offer the WTI driver (see src/driver-registration.ts). The
 * driver itself is loaded only when `create` runs.
 */
import type { DriverRegistration } from '../../src/driver-registration.js';
import { UsageError } from '../../src/errors.js';

export const wtiRegistration: DriverRegistration = {
  name: 'wti',
  vendor: 'WTI',
  summary: 'WTI IPS, NPS and RPC switches: the command menu over telnet or the serial set-up port',
  transports: ['telnet', 'serial'],
  defaultPort: { telnet: 23 },
  singleServer: false,
  // Older firmware asks for a password only; newer asks for a user name first.
  username: { required: false },
  options: [],
  examples: [
    'fencekit power off node2 --driver wti --host 10.0.0.20 --password-file /etc/fencekit/wti.pw',
    'fencekit power list --driver wti --serial /dev/ttyS0 --baud 9600 --password-file /etc/fencekit/wti.pw',
  ],
  transportOf: (settings) => (settings.serial !== undefined ? 'serial' : 'telnet'),
  async create(settings) {
    if ((settings.host === undefined) === (settings.serial === undefined)) {
      throw new UsageError('the wti driver needs either --host or --serial');
    }
    const { createWtiSwitch } = await import('./wti-switch.js');
    return createWtiSwitch({
      host: settings.host,
      port: settings.port,
      serial: settings.serial === undefined ? undefined : { path: settings.serial, baudRate: settings.baud },
      username: settings.username,
      password: settings.password,
      timeoutMs: settings.timeoutMs,
      transcript: settings.transcript,
      progress: settings.progress,
    });
  },
};
