import type { EmulatorEvent } from '../events.js';
import { type ByteSession, isByteSession, type LineSession, type Terminal } from '../session.js';
import type { ApcDevice } from './apc-device.js';
import { ApcCliSession } from './cli-session.js';
import { cliV64 } from './cli-v64.js';
import { type CardClock, hostClock } from './clock.js';
import { masterSwitchMenu } from './menu-ap9211.js';
import { ApcMenuSession } from './menu-session.js';
import { rackPduMenuV27 } from './menu-v27.js';

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
  /** The card's clock for the banner's Date/Time and Up Time (default: the host's clock, up since this process started). */
  clock?: CardClock;
  /**
   * Put a telnet client's `Escape character is '^]'.` line in front of the
   * card's output, as a terminal server or telnet client between apcmaster and
   * the card would. Not the card's own text: only the AP9211, whose plugin was
   * written for that setup, takes it (TelnetClientGreetingError otherwise).
   */
  telnetClientGreeting?: boolean;
}

/** What `telnet HOST` prints once connected, before the card says anything. */
export const TELNET_CLIENT_LINE = "Escape character is '^]'.\r\n";

export class TelnetClientGreetingError extends Error {
  readonly code = 'EMU_TELNET_CLIENT_GREETING';
  constructor(model: string) {
    super(`telnetClientGreeting is for the AP9211 MasterSwitch (apc-masterswitch) only, not ${model}`);
    this.name = 'TelnetClientGreetingError';
  }
}

/** The session, with the telnet client's line written before the card's first byte. */
function behindTelnetClient(session: LineSession | ByteSession, terminal: Terminal): LineSession | ByteSession {
  const start = () => {
    terminal.write(TELNET_CLIENT_LINE);
    session.start();
  };
  if (isByteSession(session)) {
    return {
      kind: 'bytes',
      start,
      input: (bytes: Uint8Array) => session.input(bytes),
      get busy() {
        return session.busy;
      },
      end: () => session.end(),
    };
  }
  return {
    start,
    input: (line, truncated) => session.input(line, truncated),
    get busy() {
      return session.busy;
    },
    end: () => session.end(),
  };
}

/**
 * - `apc-masterswitch`: the AP9211 menu, whatever the firmware (no v6 CLI existed for it);
 * - `apc-rackpdu` with firmware 6.4: the `apc>` command line;
 * - `apc-rackpdu` with firmware 2.7: the keystroke menu of the recordings.
 */
export function createApcSession(
  device: ApcDevice,
  terminal: Terminal,
  emit: (e: EmulatorEvent) => void,
  opts: ApcSessionOptions,
): LineSession | ByteSession {
  const options = { login: opts.login, user: opts.user, clock: opts.clock ?? hostClock() };
  if (opts.telnetClientGreeting && device.model !== 'apc-masterswitch')
    throw new TelnetClientGreetingError(device.model);
  if (device.model === 'apc-masterswitch') {
    const session = new ApcMenuSession(device, terminal, emit, masterSwitchMenu, options);
    return opts.telnetClientGreeting ? behindTelnetClient(session, terminal) : session;
  }
  if (device.firmware === '6.4') return new ApcCliSession(device, terminal, emit, cliV64, options);
  return new ApcMenuSession(device, terminal, emit, rackPduMenuV27, options);
}
