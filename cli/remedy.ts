import { SSH_HOST_KEY, SSH_INSECURE, TLS_CA, TLS_INSECURE } from '../src/driver-options.js';
import type { DriverOption } from '../src/driver-registration.js';
import type { FencekitError, Remedy } from '../src/errors.js';

/**
 * An error's remedies (src/errors.ts) in the words of the front-end that
 * prints it: `fencekit power` names its flags, `fence_fencekit` its
 * fence-agents options. Both come from the registry's option definitions, so
 * a renamed option cannot leave a stale hint behind.
 */
const OPTION_OF: Record<Remedy, { option: DriverOption; value: string }> = {
  'trust-ca': { option: TLS_CA, value: "FILE (the board's certificate, PEM)" },
  'tls-insecure': { option: TLS_INSECURE, value: '' },
  'pin-host-key': { option: SSH_HOST_KEY, value: 'SHA256:…' },
  'ssh-insecure': { option: SSH_INSECURE, value: '' },
};

/** A lab-only choice says so, in either front-end. */
const LAB_ONLY: ReadonlySet<Remedy> = new Set(['tls-insecure', 'ssh-insecure']);

export type RemedyStyle = 'flags' | 'agent';

function word(remedy: Remedy, style: RemedyStyle): string {
  const { option, value } = OPTION_OF[remedy];
  const said =
    style === 'flags'
      ? `--${option.flag}${value ? ` ${value}` : ''}`
      : `${option.agentName}=${option.kind === 'boolean' ? '1' : value}`;
  return LAB_ONLY.has(remedy) ? `${said} (a lab only)` : said;
}

/** "; give --ca FILE …, or --insecure (a lab only)", or "" when the error carries no remedy. */
export function remedyText(err: FencekitError, style: RemedyStyle): string {
  if (!err.remedy || err.remedy.length === 0) return '';
  return `; give ${err.remedy.map((r) => word(r, style)).join(', or ')}`;
}
