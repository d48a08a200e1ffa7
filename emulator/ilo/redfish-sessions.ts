import { randomBytes } from 'node:crypto';

/**
 * Redfish sessions: a token per login, looked up on each request by its
 * `X-Auth-Token` header, ended by a DELETE of the session's URI. Also the
 * parsing of an HTTP Basic `Authorization` header. No I/O, no clock: sessions
 * last until deleted or the emulator stops (a real iLO ends them after 30
 * idle minutes).
 */
export interface RedfishSession {
  id: string;
  token: string;
  user: string;
  /** Who opened it, for the logout event. */
  origin: string;
}

export class RedfishSessions {
  private readonly byToken = new Map<string, RedfishSession>();

  open(user: string, origin: string): RedfishSession {
    const session = {
      id: randomBytes(8).toString('hex'),
      token: randomBytes(16).toString('hex'),
      user,
      origin,
    };
    this.byToken.set(session.token, session);
    return session;
  }

  byAuthToken(token: string): RedfishSession | undefined {
    return this.byToken.get(token);
  }

  byId(id: string): RedfishSession | undefined {
    for (const s of this.byToken.values()) if (s.id === id) return s;
    return undefined;
  }

  close(session: RedfishSession): void {
    this.byToken.delete(session.token);
  }

  ids(): string[] {
    return [...this.byToken.values()].map((s) => s.id);
  }
}

/** `Basic base64(user:password)` → the pair; anything else → null. */
export function parseBasicAuth(header: string | undefined): { user: string; password: string } | null {
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
  if (!m?.[1]) return null;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return null;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}
