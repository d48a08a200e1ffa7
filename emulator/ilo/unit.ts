import { ConfigError, type IloConfig, parseHostPort } from '../config.js';
import type { EmulatorEvent } from '../events.js';
import { SessionLimit } from '../frontends/session-limit.js';
import type { SshFrontend } from '../frontends/ssh.js';
import { ILO_KIND } from '../models.js';
import { hostKeyFileFor } from '../persistence.js';
import type { OutOfBandAction, UnitKind } from '../unit-kind.js';
import { CertificateError, loadOrCreateCertificate, type TlsIdentity } from './certificate.js';
import { iloHints } from './hints.js';
import { createIloHttpHandler } from './http-api.js';
import { IloDevice, type IloSnapshot } from './ilo-device.js';
import { createSmashSession } from './smash-session.js';
import { IloTlsFrontend } from './tls-server.js';

/**
 * An iLO's front-ends:
 * - `tls`: raw RIBCL over TLS, as an iLO 2 speaks it to fence_ilo and riloe;
 * - `https`: the same port answering both raw RIBCL and HTTP (RIBCL over
 *   HTTP, Redfish), as iLO 3/4/5 do;
 * - `ssh`: SMASH CLP (`</>hpiLO-> `) for fence_ilo_ssh.
 * One TLS identity serves `tls` and `https` (see certificate.ts).
 */
export interface IloFrontEnds {
  limit: SessionLimit;
  tls: IloTlsFrontend | null;
  https: IloTlsFrontend | null;
  ssh: SshFrontend | null;
  certificate: TlsIdentity | null;
}

/** SSH sessions an iLO takes at once [unverified; iLO 4 documents several]. */
const DEFAULT_SSH_SESSIONS = 4;

/** An HP iLO and the server it manages (plug 1 in events). ssh2 is loaded only when SSH is asked for. */
export const iloUnit: UnitKind<IloConfig, IloDevice, IloSnapshot, IloFrontEnds> = {
  info: ILO_KIND,
  createDevice: (config, env) => new IloDevice({ model: config.model, ...env }),
  apply: applySettings,
  // A pending power change must not fire after shutdown.
  halt: (device) => device.stop(),
  title: (d) => `HP ${d.identity.processor} (firmware ${d.identity.firmware}), server ${d.hostName}`,
  // The one-row table of an iLO: its server.
  table: (d) => ({
    all: () => [{ number: 1, name: d.hostName, state: d.power, bootDelayMs: d.transitionSeconds * 1000 }],
  }),
  describe: iloHints,
  switchPlug: switchServerCord,

  async open({ config, device, emit, idleTimeoutSeconds, track }) {
    const frontEnds: IloFrontEnds = {
      // Full whenever `busy` is on: a shell asked for then gets the front-end's own "unit is full" answer.
      limit: new SessionLimit(config.maxSessions ?? DEFAULT_SSH_SESSIONS, device.faults),
      tls: null,
      https: null,
      ssh: null,
      certificate: null,
    };
    const tls = config.tls ? parseHostPort(config.tls, 'tls') : null;
    const https = config.https ? parseHostPort(config.https, 'https') : null;
    if (tls || https) {
      try {
        frontEnds.certificate = await loadOrCreateCertificate({
          certFile: config.cert,
          keyFile: config.key,
          stateFile: config.state,
          hosts: [tls?.host, https?.host].filter((h): h is string => h !== undefined),
          commonName: `fencekit ${device.identity.processor} emulator`,
        });
      } catch (err) {
        throw err instanceof CertificateError ? new ConfigError(err.message, { cause: err }) : err;
      }
      const { cert, key } = frontEnds.certificate;
      if (tls) {
        frontEnds.tls = track(new IloTlsFrontend({ ...tls, mode: 'raw', cert, key, device, emit, idleTimeoutSeconds }));
        await frontEnds.tls.listen();
      }
      if (https) {
        const httpHandler = createIloHttpHandler(device, emit);
        frontEnds.https = track(
          new IloTlsFrontend({ ...https, mode: 'sniff', cert, key, device, emit, httpHandler, idleTimeoutSeconds }),
        );
        await frontEnds.https.listen();
      }
    }
    if (config.ssh) {
      const { host, port } = parseHostPort(config.ssh, 'ssh');
      const { SshFrontend } = await import('../frontends/ssh.js');
      frontEnds.ssh = track(
        new SshFrontend({
          host,
          port,
          hostKeyFile: hostKeyFileFor(config.state),
          authenticate: (user, password) => device.authenticate(user, password),
          // The front-end applies hang, slow and garbled to the byte stream, as for an APC card; the session need not.
          faults: device.faults,
          makeSession: (user) => (terminal) =>
            createSmashSession(device, terminal, emit, { user, streamFaults: false }),
          emit,
          idleTimeoutSeconds,
          limit: frontEnds.limit,
        }),
      );
      await frontEnds.ssh.listen();
    }
    return frontEnds;
  },
};

/** The account, the server's name and first state, and the transition time a config or the flags give. */
function applySettings(d: IloDevice, c: Partial<IloConfig>): void {
  if (c.username !== undefined || (c.password !== undefined && c.password !== null)) {
    const current = d.users[0] ?? { name: 'admin', password: 'admin' };
    d.users = [{ name: c.username ?? current.name, password: c.password ?? current.password }];
  }
  if (c.transition !== undefined) d.transitionSeconds = c.transition;
  for (const p of c.plugs ?? []) {
    if (p.number !== 1) throw new ConfigError(`plug ${p.number} does not exist: an iLO manages one server, plug 1`);
    if (p.name) d.hostName = p.name;
    if (p.default) d.power = p.default;
  }
}

/**
 * The server's power cord, out of band: the change is immediate (no
 * transition time, no stuck-power fault: nothing of the board's is involved),
 * and a pending change the board was making is dropped. A reboot puts the
 * cord back after the board's transition time.
 */
async function switchServerCord(
  d: IloDevice,
  plug: number,
  action: OutOfBandAction,
  by: string,
  emit: (e: EmulatorEvent) => void,
): Promise<void> {
  if (plug !== 1) throw new RangeError(`plug ${plug} does not exist: an iLO manages one server, plug 1`);
  const set = (to: 'ON' | 'OFF') => {
    d.stop();
    if (d.power === to) return;
    d.power = to;
    emit({ type: 'plug', plug: 1, name: d.hostName, state: to, by });
  };
  if (action !== 'on') set('OFF');
  if (action === 'off') return;
  if (action === 'reboot') await new Promise((resolve) => setTimeout(resolve, d.transitionSeconds * 1000));
  set('ON');
}
