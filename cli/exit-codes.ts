import type { FencekitErrorCode } from '../src/errors.js';

/** `fencekit power` exit statuses: stable, documented in docs/cli.md. */
export const EXIT = {
  ok: 0,
  failed: 1,
  statusOff: 2,
  usage: 64,
} as const;

export const EXIT_BY_CODE: Record<FencekitErrorCode, number> = {
  EAUTH: 3,
  EUNKNOWNPLUG: 4,
  EBUSY: 5,
  ETIMEOUT: 6,
  EPROTOCOL: 7,
  ECONNECTION: 8,
  EABORTED: 9,
  EUSAGE: 64,
};
