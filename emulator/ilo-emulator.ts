
import { ConfigError, type EmulatorConfig, parseHostPort } from './config.js';
import { EventBus } from './events.js';
import { SessionLimit } from './frontends/session-limit.js';
import { SshFrontend } from './frontends/ssh.js';
import { CertificateError, loadOrCreateCertificate, type TlsIdentity } from './ilo/certificate.js';
import { createIloHttpHandler } from './ilo/http-api.js';
import { ILO_FAULTS, IloDevice, type IloFault, type IloModel, type IloSnapshot } from './ilo/ilo-device.js';
import { createSmashSession } from './ilo/smash-session.js';
import { IloTlsFrontend } from './ilo/tls-server.js';
import { realScheduler, type Scheduler } from './model/scheduler.js';
import { hostKeyFileFor, persistState, restoreState } from './persistence.js';

/**
 * One emulated HP iLO and the server it manages (plug 1 in events), served at
 * once as:
 * - `tls`: raw RIBCL over TLS, as an iLO 2 speaks it to fence_ilo and riloe;
 * - `https`: the same port answering both raw RIBCL and HTTP (RIBCL over
 *   HTTP, Redfish), as iLO 3/4/5 do;
 * - `ssh`: SMASH CLP (`</>hpiLO-> `) for fence_ilo_ssh.
 *
 * One TLS identity serves `tls` and `https` (see ilo/certificate.ts); the
 * SSH host key, the certificate and the state file live side by side. Settings
 * are layered as for the other units: config file, then state file, then flags.
 */
export interface IloEmulatorOptions {
  config: EmulatorConfig & { model: IloModel };
  overrides?: Partial<EmulatorConfig>;
  scheduler?: Scheduler;
  bus?: EventBus;
}

/** SSH sessions an iLO takes at once [unverified; iLO 4 documents several]. */
const DEFAULT_SSH_SESSIONS = 4;

export class IloEmulator {
  readonly bus: EventBus;
  readonly device: IloDevice;
  readonly limit: SessionLimit;
  tls: IloTlsFrontend | null = null;
  https: IloTlsFrontend | null = null;
  ssh: SshFrontend | null = null;
  certificate: TlsIdentity | null = null;
  private unsubscribe: (() => void) | null = null;

  private constructor(private readonly opts: IloEmulatorOptions) {
    this.bus = opts.bus ?? new EventBus();
    this.device = new IloDevice({
      model: opts.config.model,
      emit: (e) => this.bus.emit(e),
      scheduler: opts.scheduler ?? realScheduler,
    });
    this.limit = new SessionLimit(opts.config.maxSessions ?? DEFAULT_SSH_SESSIONS);
  }

  static async start(opts: IloEmulatorOptions): Promise<IloEmulator> {
    const emulator = new IloEmulator(opts);
    try {
      await emulator.boot();
    } catch (err) {
      await emulator.stop();
      throw err;
    }
    return emulator;
  }

  get hostKeyFile(): string | undefined {
    return hostKeyFileFor(this.opts.config.state);
  }

  private async boot(): Promise<void> {
    const { config, overrides } = this.opts;
    const d = this.device;
    this.applySettings(config);
    restoreState<IloSnapshot>(config.state, d);
    if (overrides) this.applySettings(overrides);
    for (const fault of [...(config.faults ?? []), ...(overrides?.faults ?? [])]) {
      if ((ILO_FAULTS as readonly string[]).includes(fault)) d.faults.add(fault as IloFault);
    }
    this.unsubscribe = persistState<IloSnapshot>(config.state, d, this.bus);

    const emit = (e: Parameters<EventBus['emit']>[0]) => this.bus.emit(e);
    const idleTimeoutSeconds = () => overrides?.idleTimeout ?? config.idleTimeout ?? 300;
    const tls = config.tls ? parseHostPort(config.tls, 'tls') : null;
    const https = config.https ? parseHostPort(config.https, 'https') : null;
    if (tls || https) {
      try {
        this.certificate = await loadOrCreateCertificate({
          certFile: config.cert,
          keyFile: config.key,
          stateFile: config.state,
          hosts: [tls?.host, https?.host].filter((h): h is string => h !== undefined),
          commonName: `fencekit ${d.identity.processor} emulator`,
        });
      } catch (err) {
        throw err instanceof CertificateError ? new ConfigError(err.message, { cause: err }) : err;
      }
      const { cert, key } = this.certificate;
      if (tls) {
        this.tls = new IloTlsFrontend({ ...tls, mode: 'raw', cert, key, device: d, emit, idleTimeoutSeconds });
        await this.tls.listen();
      }
      if (https) {
        const httpHandler = createIloHttpHandler(d, emit);
        this.https = new IloTlsFrontend({
          ...https,
          mode: 'sniff',
          cert,
          key,
          device: d,
          emit,
          httpHandler,
          idleTimeoutSeconds,
        });
        await this.https.listen();
      }
    }
    if (config.ssh) {
      const { host, port } = parseHostPort(config.ssh, 'ssh');
      this.ssh = new SshFrontend({
        host,
        port,
        hostKeyFile: this.hostKeyFile,
        authenticate: (user, password) => d.authenticate(user, password),
        makeSession: (user) => (terminal) => createSmashSession(d, terminal, emit, { user }),
        emit,
        idleTimeoutSeconds,
        limit: this.limit,
      });
      await this.ssh.listen();
    }
  }

  /** The account, the server's name and first state, and the transition time a config or the flags give. */
  private applySettings(c: Partial<EmulatorConfig>): void {
    const d = this.device;
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

  async stop(): Promise<void> {
    this.unsubscribe?.();
    // A pending power change must not fire after shutdown.
    this.device.stop();
    await Promise.all([this.tls?.close(), this.https?.close(), this.ssh?.close()]);
  }
}
