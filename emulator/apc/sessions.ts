import type { EmulatorEvent } from '../events.js';
import type { ByteSession, LineSession, Terminal } from '../session.js';
import type { ApcDevice } from './apc-device.js';

/**
 * Which session a connection to the card gets: the v2.7 Rack PDU menu, the
 * AOS v6 `apc>` CLI, or the AP9211 MasterSwitch menu that cluster-glue's
 * apcmaster drives. `login` is false on SSH, where SSH itself authenticated
 * `user`.
 */
export interface ApcSessionOptions {
  /** Ask User Name / Password (telnet), or start at the banner (SSH). */
  login: boolean;
  /** The user SSH authenticated, when `login` is false. */
  user?: string;
}

export function createApcSession(
  _device: ApcDevice,
  _terminal: Terminal,
  _emit: (e: EmulatorEvent) => void,
  _opts: ApcSessionOptions,
): LineSession | ByteSession {
  throw new Error('APC personalities are not written yet');
}
