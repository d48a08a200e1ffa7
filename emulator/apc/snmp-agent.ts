import type { EmulatorEvent } from '../events.js';
import type { ApcDevice } from './apc-device.js';

/**
 * The card's SNMP agent (v1, v2c, v3) with the Rack PDU identity
 * (.1.3.6.1.4.1.318.1.3.4.5): status, control and name tables of the outlets,
 * SETs that switch them, real SNMP errors for bad SETs.
 */
export interface ApcSnmpOptions {
  host: string;
  port: number;
  device: ApcDevice;
  emit: (e: EmulatorEvent) => void;
}

export class ApcSnmpAgent {
  static start(_opts: ApcSnmpOptions): Promise<ApcSnmpAgent> {
    return Promise.reject(new Error('the SNMP agent is not written yet'));
  }

  get address(): { address: string; port: number } {
    return { address: '', port: 0 };
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
