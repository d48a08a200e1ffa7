/**
 * Small helpers the device-type modules share: what the C plugins' string
 * functions and the C library would do (strdown, strerror), how a fencekit
 * error is read back to an errno, and the `ipaddr` forms of the telnet types.
 * No driver is imported here: each plugin module loads only its own.
 */
import { FencekitError } from '../../src/errors.js';
import type { ByteStream } from '../../src/transport/byte-stream.js';

/** strdown() / g_strdown() / strcasecmp(): ASCII letters only, as in the C locale. */
export function asciiLower(text: string): string {
  return text.replace(/[A-Z]/g, (c) => c.toLowerCase());
}

/** strerror() for the connect errors a client meets. */
export const STRERROR: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'Connection refused',
  EHOSTUNREACH: 'No route to host',
  ENETUNREACH: 'Network is unreachable',
  ETIMEDOUT: 'Connection timed out',
  EADDRNOTAVAIL: 'Cannot assign requested address',
  EACCES: 'Permission denied',
  EPERM: 'Operation not permitted',
  ENOENT: 'No such file or directory',
  EBUSY: 'Device or resource busy',
};

/** Name look-up failures: the telnet plugins give up on the attempt without a word. */
export const LOOKUP_FAILURES: ReadonlySet<string> = new Set([
  'ENOTFOUND',
  'EAI_AGAIN',
  'EAI_FAIL',
  'EAI_NONAME',
  'EAI_NODATA',
]);

/** The system errno (ECONNREFUSED, …) somewhere in an error's causes. */
export function errnoOf(err: unknown): string | undefined {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 8; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^E[A-Z_]+$/.test(code) && !(e instanceof FencekitError)) return code;
  }
  return undefined;
}

/** The fencekit error code (EAUTH, ETIMEOUT, …), if it is one of ours. */
export function codeOf(err: unknown): string | undefined {
  return err instanceof FencekitError ? err.code : undefined;
}

/** A dialogue line for -d: control characters shown, not sent to the terminal. */
export function escapeControls(text: string): string {
  return text.replace(/[\x00-\x1f\x7f]/g, (c) => {
    if (c === '\r') return '\\r';
    if (c === '\n') return '\\n';
    return `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`;
  });
}

export type NetAddress = { host: string; port: number } | { unresolvable: true };

/**
 * `ipaddr` of a telnet type: a host (port 23, as the C plugins), or the
 * extension `HOST:PORT` / `[V6]:PORT`, which the C plugins cannot resolve.
 */
export function parseNetAddress(ipaddr: string): NetAddress {
  const m = /^\[([^\]]+)\]:(\d+)$/.exec(ipaddr) ?? /^([^:[\]]+):(\d+)$/.exec(ipaddr);
  if (m) {
    const port = Number(m[2]);
    return port >= 1 && port <= 65535 ? { host: m[1] as string, port } : { unresolvable: true };
  }
  return ipaddr === '' ? { unresolvable: true } : { host: ipaddr, port: 23 };
}

/**
 * The device's own bytes, as a C plugin reads them off its socket: `seen` is
 * told of every chunk the stream delivers. What the plugin quotes of the device
 * comes from here, never from the driver's transcript, whose wording is free.
 */
export function tapReceived(stream: ByteStream, seen: (bytes: Uint8Array) => void): ByteStream {
  return {
    description: stream.description,
    write: (bytes) => stream.write(bytes),
    attach: (handlers) =>
      stream.attach({
        data: (bytes) => {
          seen(bytes);
          handlers.data(bytes);
        },
        end: (error) => handlers.end(error),
      }),
    close: () => stream.close(),
  };
}
