import { type EmulatorConfig, checkPlugNames, parseHostPort, type PlugConfig } from './config.js';
import { EventBus } from './events.js';
import { SerialFrontend, type SerialPortLike } from './frontends/serial.js';
import { TelnetFrontend } from './frontends/telnet.js';
import { realScheduler, type Scheduler } from './model/scheduler.js';
import { persistState, restoreState } from './persistence.js';
import { WtiMenuSession } from './wti/menu-session.js';
import { personalities, type WtiModel } from './wti/personality.js';
import { isWtiFault, WtiDevice, type WtiSnapshot } from './wti/wti-device.js';

/**
 * One emulated WTI unit: the device, its front-ends sharing it, and its state
 * file. Settings are layered: the config file, then the state file (what the
 * unit remembers), then the command-line flags (what the user just asked for).
 */
export interface WtiEmulatorOptions {
  config: EmulatorConfig & { model: WtiModel };
  /** Flags given on the command line; they win over the state file. */
  overrides?: Partial<EmulatorConfig>;
  scheduler?: Scheduler;
  bus?: EventBus;
  /** How to open a serial line (tests pass a SerialPortMock). */
  openSerial?: (path: string, baudRate: number) => SerialPortLike | Promise<SerialPortLike>;
}

export class WtiEmulator {
  readonly bus: EventBus;
  readonly device: WtiDevice;
  telnet: TelnetFrontend | null = null;
  serial: SerialFrontend | null = null;
  private unsubscribe: (() => void) | null = null;

  private constructor(private readonly opts: WtiEmulatorOptions) {
    this.bus = opts.bus ?? new EventBus();
    this.device = new WtiDevice({
      model: opts.config.model,
      emit: (e) => this.bus.emit(e),
      scheduler: opts.scheduler ?? realScheduler,
    });
  }

  static async start(opts: WtiEmulatorOptions): Promise<WtiEmulator> {
    const emulator = new WtiEmulator(opts);
    try {
      await emulator.boot();
    } catch (err) {
      await emulator.stop();
      throw err;
    }
    return emulator;
  }

  private async boot(): Promise<void> {
    const { config, overrides } = this.opts;
    const plugCount = personalities[config.model].plugCount;
    this.device.load(deviceSettings(config, plugCount));
    restoreState<WtiSnapshot>(config.state, this.device);
    if (overrides) this.device.load(deviceSettings(overrides, plugCount));
    for (const fault of [...(config.faults ?? []), ...(overrides?.faults ?? [])]) {
      if (isWtiFault(fault)) this.device.faults.add(fault);
    }
    this.unsubscribe = persistState<WtiSnapshot>(config.state, this.device, this.bus);

    const makeSession = (terminal: ConstructorParameters<typeof WtiMenuSession>[1]) =>
      new WtiMenuSession(this.device, terminal, (e) => this.bus.emit(e));
    const idleTimeoutSeconds = () => this.device.disconnectTimeout;
    const emit = (e: Parameters<EventBus['emit']>[0]) => this.bus.emit(e);

    if (config.listen) {
      const { host, port } = parseHostPort(config.listen, 'listen');
      this.telnet = new TelnetFrontend({ host, port, makeSession, emit, idleTimeoutSeconds });
      await this.telnet.listen();
    }
    if (config.serial) {
      const baud = config.baud ?? 9600;
      const port = await (this.opts.openSerial ?? openSerialPort)(config.serial, baud);
      this.serial = new SerialFrontend({ path: config.serial, port, makeSession, emit, idleTimeoutSeconds });
      await this.serial.open();
    }
  }

  async stop(): Promise<void> {
    this.unsubscribe?.();
    this.device.bank.stop();
    await Promise.all([this.telnet?.close(), this.serial?.close()]);
  }
}

/** The device-state part of a config: password, site, plugs, delays. */
function deviceSettings(c: Partial<EmulatorConfig>, plugCount: number): Parameters<WtiDevice['load']>[0] {
  const plugs = new Map<number, PlugConfig>();
  if (c.bootDelay !== undefined) {
    for (let n = 1; n <= plugCount; n++) plugs.set(n, { number: n, bootDelay: c.bootDelay });
  }
  checkPlugNames(c.plugs ?? [], plugCount);
  for (const p of c.plugs ?? []) plugs.set(p.number, { ...plugs.get(p.number), ...p });
  return {
    systemPassword: c.password,
    siteId: c.siteId,
    confirm: c.confirm,
    disconnectTimeout: c.idleTimeout,
    plugs: [...plugs.values()],
  };
}

/** serialport is loaded only when a serial line is asked for: it carries a native binding. */
async function openSerialPort(path: string, baudRate: number): Promise<SerialPortLike> {
  const { SerialPort } = await import('serialport');
  return new SerialPort({ path, baudRate, autoOpen: false }) as unknown as SerialPortLike;
}
