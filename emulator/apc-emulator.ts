
import { ApcDevice, type ApcSnapshot, type ApcModel, APC_FAULTS, type ApcFault } from './apc/apc-device.js';
import type { CardClock } from './apc/clock.js';
import { createApcSession } from './apc/sessions.js';
import { ApcSnmpAgent } from './apc/snmp-agent.js';
import { ConfigError, type EmulatorConfig, parseHostPort, type PlugConfig } from './config.js';
import { EventBus } from './events.js';
import { SessionLimit } from './frontends/session-limit.js';
import { SshFrontend } from './frontends/ssh.js';
import { TelnetFrontend } from './frontends/telnet.js';
import { realScheduler, type Scheduler } from './model/scheduler.js';
import { hostKeyFileFor, persistState, restoreState } from './persistence.js';

/**
 * One emulated APC card: the PDU's outlets, served at once over telnet, SSH
 * and SNMP, with its state file and SSH host key beside it. Settings are
 * layered as for the WTI: config file, then state file, then command-line flags.
 */
export interface ApcEmulatorOptions {
  config: EmulatorConfig & { model: ApcModel };
  overrides?: Partial<EmulatorConfig>;
  scheduler?: Scheduler;
  bus?: EventBus;
}

export class ApcEmulator {
  readonly bus: EventBus;
  readonly device: ApcDevice;
  readonly limit: SessionLimit;
  telnet: TelnetFrontend | null = null;
  ssh: SshFrontend | null = null;
  snmp: ApcSnmpAgent | null = null;
  private unsubscribe: (() => void) | null = null;

  private constructor(private readonly opts: ApcEmulatorOptions) {
    const { config } = opts;
    this.bus = opts.bus ?? new EventBus();
    this.device = new ApcDevice({
      model: config.model,
      firmware: config.firmware ?? '2.7',
      outlets: config.outlets,
      emit: (e) => this.bus.emit(e),
      scheduler: opts.scheduler ?? realScheduler,
    });
    // apcmaster opens a second session for on/off while its first is still open.
    this.limit = new SessionLimit(config.maxSessions ?? (config.model === 'apc-masterswitch' ? 2 : 1));
  }

  static async start(opts: ApcEmulatorOptions): Promise<ApcEmulator> {
    const emulator = new ApcEmulator(opts);
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
    restoreState<ApcSnapshot>(config.state, d);
    if (overrides) this.applySettings(overrides);
    for (const fault of [...(config.faults ?? []), ...(overrides?.faults ?? [])]) {
      if ((APC_FAULTS as readonly string[]).includes(fault)) d.faults.add(fault as ApcFault);
    }
    this.unsubscribe = persistState<ApcSnapshot>(config.state, d, this.bus);

    const emit = (e: Parameters<EventBus['emit']>[0]) => this.bus.emit(e);
    const idleTimeoutSeconds = () => overrides?.idleTimeout ?? config.idleTimeout ?? 300;
    // The banner's Up Time counts from this card's start.
    const clock: CardClock = { now: () => new Date(), startedAt: new Date() };
    const telnetClientGreeting = overrides?.telnetClientGreeting ?? config.telnetClientGreeting ?? false;
    if (telnetClientGreeting && config.model !== 'apc-masterswitch') {
      throw new ConfigError(`telnetClientGreeting is for the AP9211 (apc-masterswitch) only, not ${config.model}`);
    }
    if (config.listen) {
      const { host, port } = parseHostPort(config.listen, 'listen');
      this.telnet = new TelnetFrontend({
        host,
        port,
        emit,
        idleTimeoutSeconds,
        limit: this.limit,
        makeSession: (terminal) => createApcSession(d, terminal, emit, { login: true, clock, telnetClientGreeting }),
      });
      await this.telnet.listen();
    }
    if (config.ssh) {
      const { host, port } = parseHostPort(config.ssh, 'ssh');
      this.ssh = new SshFrontend({
        host,
        port,
        hostKeyFile: this.hostKeyFile,
        authenticate: (user, password) => d.authenticate(user, password) !== null,
        makeSession: (user) => (terminal) => createApcSession(d, terminal, emit, { login: false, user, clock }),
        emit,
        idleTimeoutSeconds,
        limit: this.limit,
      });
      await this.ssh.listen();
    }
    if (config.snmp) {
      const { host, port } = parseHostPort(config.snmp, 'snmp');
      this.snmp = await ApcSnmpAgent.start({ host, port, device: d, emit });
    }
  }

  /** The user, community, identity and outlets a config or the flags give. */
  private applySettings(c: Partial<EmulatorConfig>): void {
    const d = this.device;
    if (c.username !== undefined || c.password !== undefined || c.role !== undefined) {
      const current = d.users[0] ?? { name: 'apc', password: 'apc', role: 'admin' as const };
      d.users = [
        {
          name: c.username ?? current.name,
          password: c.password ?? current.password,
          role: c.role ?? current.role,
        },
      ];
    }
    if (c.community !== undefined) d.communities = { ...d.communities, write: c.community };
    if (c.siteId !== undefined && c.siteId !== null) d.identity = { ...d.identity, name: c.siteId };
    const plugs = new Map<number, PlugConfig>();
    if (c.bootDelay !== undefined) {
      for (let n = 1; n <= d.bank.count; n++) plugs.set(n, { number: n, bootDelay: c.bootDelay });
    }
    for (const p of c.plugs ?? []) {
      if (p.number > d.bank.count) {
        throw new ConfigError(`outlet ${p.number} does not exist: the unit has ${d.bank.count}`);
      }
      plugs.set(p.number, { ...plugs.get(p.number), ...p });
    }
    d.load({
      plugs: [...plugs.values()].map((p) => ({
        number: p.number,
        name: p.name,
        rebootDuration: p.bootDelay,
        state: p.default,
      })),
    });
  }

  async stop(): Promise<void> {
    this.unsubscribe?.();
    // Delayed commands too: nothing may fire after shutdown.
    this.device.stop();
    await Promise.all([this.telnet?.close(), this.ssh?.close(), this.snmp?.close()]);
  }
}
