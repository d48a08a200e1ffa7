import type { IloConfig } from './config.js';
import type { EventBus } from './events.js';
import type { SessionLimit } from './frontends/session-limit.js';
import type { SshFrontend } from './frontends/ssh.js';
import type { TlsIdentity } from './ilo/certificate.js';
import type { IloDevice, IloSnapshot } from './ilo/ilo-device.js';
import type { IloTlsFrontend } from './ilo/tls-server.js';
import { type IloFrontEnds, iloUnit } from './ilo/unit.js';
import { hostKeyFileFor } from './persistence.js';
import { UnitHost, type UnitHostOptions } from './unit-host.js';

/**
 * One emulated HP iLO as a library: the unit host running the iLO kind
 * (ilo/unit.ts): raw RIBCL over TLS, HTTPS (RIBCL over HTTP, Redfish) and
 * SMASH CLP over SSH. The SSH host key, the certificate and the state file
 * live side by side.
 */
export type IloEmulatorOptions = UnitHostOptions<IloConfig>;

export class IloEmulator {
  private constructor(private readonly host: UnitHost<IloConfig, IloDevice, IloSnapshot, IloFrontEnds>) {}

  static async start(opts: IloEmulatorOptions): Promise<IloEmulator> {
    return new IloEmulator(await UnitHost.start(iloUnit, opts));
  }

  get bus(): EventBus {
    return this.host.bus;
  }

  get device(): IloDevice {
    return this.host.device;
  }

  /** SSH sessions at once. */
  get limit(): SessionLimit {
    return this.host.frontEnds.limit;
  }

  get tls(): IloTlsFrontend | null {
    return this.host.frontEnds.tls;
  }

  get https(): IloTlsFrontend | null {
    return this.host.frontEnds.https;
  }

  get ssh(): SshFrontend | null {
    return this.host.frontEnds.ssh;
  }

  get certificate(): TlsIdentity | null {
    return this.host.frontEnds.certificate;
  }

  get hostKeyFile(): string | undefined {
    return hostKeyFileFor(this.host.config.state);
  }

  stop(): Promise<void> {
    return this.host.stop();
  }
}
