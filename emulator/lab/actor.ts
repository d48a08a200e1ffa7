import type { Actor } from './types.js';

/**
 * Who did something, from the `by` or `origin` the front-ends write:
 * `<protocol> <peer>`, then the user where the session has one
 * (`telnet 127.0.0.1:40112`, `serial /dev/pts/3`, `ssh 127.0.0.1:5 apc`,
 * `redfish 127.0.0.1:5 admin`, `snmp 127.0.0.1:5`).
 */
export function parseActor(by: string, user?: string): Actor {
  const [protocol = 'unknown', peer, ...rest] = by.trim().split(/\s+/);
  const named = user ?? (rest.length > 0 ? rest.join(' ') : undefined);
  return { protocol, ...(peer !== undefined ? { peer } : {}), ...(named !== undefined ? { user: named } : {}) };
}

/** The session a `by` belongs to: its protocol and peer (the user, when written, is the session's too). */
export function sessionKey(by: string): string {
  return by.trim().split(/\s+/).slice(0, 2).join(' ');
}

/** An actor as one readable line (the `by` of an out-of-band switch, a log line). */
export function describeActor(a: Actor): string {
  return [a.protocol, a.peer, a.user, a.token ? `token ${a.token}` : undefined].filter(Boolean).join(' ');
}
