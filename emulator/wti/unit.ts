import { checkPlugNames, type PlugConfig, parseHostPort, type WtiConfig } from '../config.js';
import type { SerialFrontend, SerialPortLike } from '../frontends/serial.js';
import { TelnetFrontend } from '../frontends/telnet.js';
import { switchOutlet } from '../model/out-of-band.js';
import { WTI_KIND } from '../models.js';
import type { UnitKind } from '../unit-kind.js';
import { wtiHints } from './hints.js';
import { WtiMenuSession } from './menu-session.js';
import { banner } from './screens.js';
import { WtiDevice, type WtiSnapshot } from './wti-device.js';

/** A WTI unit's front-ends: telnet, a serial line, or both. */
export interface WtiFrontEnds {
  telnet: TelnetFrontend | null;
  serial: SerialFrontend | null;
}

export interface WtiUnitOptions {
  /** How to open a serial line (tests pass a SerialPortMock). */
  openSerial?: (path: string, baudRate: number) => SerialPortLike | Promise<SerialPortLike>;
}

/** The WTI IPS-800 and NPS: one menu dialogue over telnet and a serial line; the device keeps its own idle timeout. */
export const wtiUnit: UnitKind<WtiConfig, WtiDevice, WtiSnapshot, WtiFrontEnds, WtiUnitOptions> = {
  info: WTI_KIND,
  createDevice: (config, env) => new WtiDevice({ model: config.model, ...env }),
  apply: (device, settings) => device.load(deviceSettings(settings, device.personality.plugCount)),
  idleTimeoutSeconds: (device) => device.disconnectTimeout,
  halt: (device) => device.bank.stop(),
  title: banner,
  table: (device) => device.bank,
  describe: wtiHints,
  switchPlug: async (device, plug, action, by) => switchOutlet(device.bank, plug, action, by),

  async open({ config, device, emit, idleTimeoutSeconds, track }, options) {
    const makeSession = (terminal: ConstructorParameters<typeof WtiMenuSession>[1]) =>
      new WtiMenuSession(device, terminal, emit);
    const frontEnds: WtiFrontEnds = { telnet: null, serial: null };
    if (config.listen) {
      const { host, port } = parseHostPort(config.listen, 'listen');
      frontEnds.telnet = track(new TelnetFrontend({ host, port, makeSession, emit, idleTimeoutSeconds }));
      await frontEnds.telnet.listen();
    }
    if (config.serial) {
      // Loaded only for a serial line, as serialport itself (below).
      const { SerialFrontend } = await import('../frontends/serial.js');
      const baud = config.baud ?? 9600;
      const port = await (options.openSerial ?? openSerialPort)(config.serial, baud);
      frontEnds.serial = track(
        new SerialFrontend({ path: config.serial, port, makeSession, emit, idleTimeoutSeconds }),
      );
      await frontEnds.serial.open();
    }
    return frontEnds;
  },
};

/** The device-state part of a config: password, site, plugs, delays. */
function deviceSettings(c: Partial<WtiConfig>, plugCount: number): Parameters<WtiDevice['load']>[0] {
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
