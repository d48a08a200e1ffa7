import type { EmulatorEvent } from '../events.js';
import type { LineSession, Terminal } from '../session.js';
import type { IloDevice } from './ilo-device.js';

/** SMASH CLP (`</>hpiLO-> `) as fence_ilo_ssh drives it, over SSH. */
export function createSmashSession(
  _device: IloDevice,
  _terminal: Terminal,
  _emit: (e: EmulatorEvent) => void,
  _opts: { user: string },
): LineSession {
  throw new Error('SMASH CLP is not written yet');
}
