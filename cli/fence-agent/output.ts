import type { FencekitError } from '../../src/errors.js';

/**
 * What fence-agents prints: the result line on stdout, failures on stderr as
 * `YYYY-MM-DD HH:MM:SS,mmm ERROR: <msg>`, and exit statuses 0 (done),
 * 1 (failed) and 2 (status: off). fencekit's typed error follows the
 * fence-agents line, so the cause is never lost.
 */
export { AGENT_EXIT as EXIT } from '../exit-codes.js';

function stamp(now: Date): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${now.getFullYear()}-${p(now.getMonth() + 1)}-${p(now.getDate())} ${p(now.getHours())}:${p(now.getMinutes())}:${p(now.getSeconds())},${p(now.getMilliseconds(), 3)}`;
}

export function logLine(level: 'ERROR' | 'WARNING' | 'INFO' | 'DEBUG', message: string, now = new Date()): string {
  return `${stamp(now)} ${level}: ${message}\n`;
}

/** fence-agents' message for a failure, chosen by fencekit's error code. */
export function failureMessage(err: FencekitError, action: string): string {
  switch (err.code) {
    case 'EAUTH':
    case 'ECONNECTION':
    case 'EBUSY':
      return 'Unable to connect/login to fencing device';
    case 'ETIMEOUT': {
      const phase = (err as FencekitError & { phase?: string }).phase;
      if (phase === 'confirm') {
        const target = action === 'on' ? 'ON' : 'OFF';
        return `Failed: Timed out waiting to power ${target}`;
      }
      return 'Connection timed out';
    }
    case 'EUNKNOWNPLUG':
      return 'Failed: Unable to obtain correct plug status or plug is not available';
    case 'EPROTOCOL':
      return 'Failed: Unable to obtain correct plug status or plug is not available';
    case 'EABORTED':
      return 'Failed: the operation was aborted';
    case 'EUSAGE':
      return `Failed: ${err.message}`;
  }
}

export const RESULT = {
  status: (on: boolean) => `Status: ${on ? 'ON' : 'OFF'}`,
  switched: (state: 'on' | 'off', changed: boolean) =>
    `Success: ${changed ? 'Powered' : 'Already'} ${state.toUpperCase()}`,
  rebooted: 'Success: Rebooted',
} as const;

/** A plug row of list / list-status: `ID<sep>ALIAS[<sep>STATE]`; a WTI shows an unnamed plug as "(undefined)". */
export function listLine(plug: number, name: string | null, separator: string, state?: 'on' | 'off'): string {
  const alias = name ?? '(undefined)';
  return state === undefined ? `${plug}${separator}${alias}` : `${plug}${separator}${alias}${separator}${state}`;
}
