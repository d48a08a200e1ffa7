import type { WtiConfig } from './config.js';
import type { EventBus } from './events.js';
import type { SerialFrontend } from './frontends/serial.js';
import type { TelnetFrontend } from './frontends/telnet.js';
import { UnitHost, type UnitHostOptions } from './unit-host.js';
import { type WtiFrontEnds, type WtiUnitOptions, wtiUnit } from './wti/unit.js';
import type { WtiDevice, WtiSnapshot } from './wti/wti-device.js';

/**
 * One emulated WTI unit as a library: the unit host running the WTI kind
 * (wti/unit.ts). Settings are layered: the config, then the state file, then
 * the overrides (command-line flags).
 */
export type WtiEmulatorOptions = UnitHostOptions<WtiConfig> & WtiUnitOptions;

export class WtiEmulator {
  private constructor(
    private readonly host: UnitHost<WtiConfig, WtiDevice, WtiSnapshot, WtiFrontEnds, WtiUnitOptions>,
  ) {}

  static async start(opts: WtiEmulatorOptions): Promise<WtiEmulator> {
    return new WtiEmulator(await UnitHost.start(wtiUnit, opts));
  }

  get bus(): EventBus {
    return this.host.bus;
  }

  get device(): WtiDevice {
    return this.host.device;
  }

  get telnet(): TelnetFrontend | null {
    return this.host.frontEnds.telnet;
  }

  get serial(): SerialFrontend | null {
    return this.host.frontEnds.serial;
  }

  stop(): Promise<void> {
    return this.host.stop();
  }
}
