import type { ApcDevice, ApcSnapshot } from './apc/apc-device.js';
import type { ApcSnmpAgent } from './apc/snmp-agent.js';
import { type ApcFrontEnds, apcUnit } from './apc/unit.js';
import type { ApcConfig } from './config.js';
import type { EventBus } from './events.js';
import type { SessionLimit } from './frontends/session-limit.js';
import type { SshFrontend } from './frontends/ssh.js';
import type { TelnetFrontend } from './frontends/telnet.js';
import { hostKeyFileFor } from './persistence.js';
import { UnitHost, type UnitHostOptions } from './unit-host.js';

/**
 * One emulated APC card as a library: the unit host running the APC kind
 * (apc/unit.ts), the PDU's outlets served at once over telnet, SSH and SNMP.
 */
export type ApcEmulatorOptions = UnitHostOptions<ApcConfig>;

export class ApcEmulator {
  private constructor(private readonly host: UnitHost<ApcConfig, ApcDevice, ApcSnapshot, ApcFrontEnds>) {}

  static async start(opts: ApcEmulatorOptions): Promise<ApcEmulator> {
    return new ApcEmulator(await UnitHost.start(apcUnit, opts));
  }

  get bus(): EventBus {
    return this.host.bus;
  }

  get device(): ApcDevice {
    return this.host.device;
  }

  /** Sessions telnet and SSH take together. */
  get limit(): SessionLimit {
    return this.host.frontEnds.limit;
  }

  get telnet(): TelnetFrontend | null {
    return this.host.frontEnds.telnet;
  }

  get ssh(): SshFrontend | null {
    return this.host.frontEnds.ssh;
  }

  get snmp(): ApcSnmpAgent | null {
    return this.host.frontEnds.snmp;
  }

  get hostKeyFile(): string | undefined {
    return hostKeyFileFor(this.host.config.state);
  }

  stop(): Promise<void> {
    return this.host.stop();
  }
}
