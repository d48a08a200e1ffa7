/**
 * How consumers offer the HP iLO drivers (see src/driver-registration.ts):
 * RIBCL over TLS, SMASH CLP over SSH, and Redfish. Each board manages one
 * server. The drivers, fast-xml-parser and ssh2 are loaded only when `create` runs.
 */
import {
  choiceOf,
  hostKeyOf,
  requireHost,
  SSH_HOST_KEY,
  SSH_INSECURE,
  TLS_CA,
  TLS_INSECURE,
  tlsTrustOf,
  usernameOf,
} from '../../src/driver-options.js';
import type { DriverOption, DriverRegistration, DriverSettings } from '../../src/driver-registration.js';

const METHOD: DriverOption = {
  key: 'method',
  flag: 'method',
  // Not fence-agents' `method` (onoff or cycle): this picks the RIBCL command.
  agentName: 'ilo_method',
  valueName: '<method>',
  kind: 'choice',
  choices: ['power', 'button'],
  default: 'power',
  help: 'power (SET_HOST_POWER) or button (HOLD_PWR_BTN / PRESS_PWR_BTN)',
};

// The factory default of every iLO.
const USERNAME = { required: false, default: 'Administrator' };

/** What the three iLO drivers take alike. */
function common(settings: DriverSettings, driver: DriverRegistration) {
  return {
    host: requireHost(settings, driver),
    port: settings.port,
    username: usernameOf(settings, driver) ?? '',
    password: settings.password ?? '',
    timeoutMs: settings.timeoutMs,
    transcript: settings.transcript,
    progress: settings.progress,
  };
}

export const iloRegistration: DriverRegistration = {
  name: 'ilo',
  vendor: 'HP',
  summary: 'HP iLO 2 to 5: RIBCL over TLS (raw, or over HTTPS as iLO 3 and later take it)',
  transports: ['tls'],
  defaultPort: { tls: 443 },
  singleServer: true,
  username: USERNAME,
  options: [METHOD, TLS_CA, TLS_INSECURE],
  examples: [
    'fencekit power reboot --driver ilo --host 10.0.0.40 --ca /etc/fencekit/ilo.pem --username fence --password-file /etc/fencekit/ilo.pw',
  ],
  transportOf: () => 'tls',
  async create(settings) {
    const base = common(settings, iloRegistration);
    const method = choiceOf<'power' | 'button'>(settings, METHOD);
    const trust = await tlsTrustOf(settings);
    const { createIloSwitch } = await import('./ilo-ribcl.js');
    return createIloSwitch({ ...base, ...trust, method });
  },
};

export const iloSshRegistration: DriverRegistration = {
  name: 'ilo-ssh',
  vendor: 'HP',
  summary: 'HP iLO 2 to 5: SMASH CLP over SSH',
  transports: ['ssh'],
  defaultPort: { ssh: 22 },
  singleServer: true,
  username: USERNAME,
  options: [SSH_HOST_KEY, SSH_INSECURE],
  examples: [
    'fencekit power off --driver ilo-ssh --host 10.0.0.40 --host-key SHA256:… --username fence --password-file /etc/fencekit/ilo.pw',
  ],
  transportOf: () => 'ssh',
  async create(settings) {
    const base = common(settings, iloSshRegistration);
    const hostKey = hostKeyOf(settings);
    const { createIloSshSwitch } = await import('./ilo-smash.js');
    return createIloSshSwitch({ ...base, hostKey });
  },
};

export const redfishRegistration: DriverRegistration = {
  name: 'redfish',
  vendor: 'HP',
  summary: 'Redfish over HTTPS: HP iLO 4 and 5, and other boards that speak it',
  transports: ['https'],
  defaultPort: { https: 443 },
  singleServer: true,
  username: USERNAME,
  options: [TLS_CA, TLS_INSECURE],
  examples: [
    'fencekit power status --driver redfish --host 10.0.0.41 --insecure --username fence --password-file /etc/fencekit/ilo.pw',
  ],
  transportOf: () => 'https',
  async create(settings) {
    const base = common(settings, redfishRegistration);
    const trust = await tlsTrustOf(settings);
    const { createRedfishSwitch } = await import('./redfish.js');
    return createRedfishSwitch({ ...base, ...trust });
  },
};
