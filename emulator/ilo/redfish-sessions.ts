import { randomBytes } from 'node:crypto';
import type { Scheduler } from '../model/scheduler.js';

/**
 * Redfish sessions: a token per login, looked up on each request by its
 * `X-Auth-Token` header, ended by a DELETE of the session's URI or after
 * `idleMs` without a request (a real iLO: 30 idle minutes). Also the parsing
 * of an HTTP Basic `Authorization` header. No I/O; the only clock is the
 * device's scheduler.
 */
export interface RedfishSession {
  id: string;
  token: string;
  user: string;
  /** Who opened it, for the logout event. */
  origin: string;
}

/** iLO 4 and 5 end a session after 30 minutes without a request. */
export const REDFISH_SESSION_IDLE_MS = 30 * 60 * 1000;

export interface RedfishSessionsOptions {
  scheduler: Scheduler;
  idleMs: number;
  /** A session the idle timeout ended (not one deleted). */
  onExpire(session: RedfishSession): void;
}

export class RedfishSessions {
  private readonly byToken = new Map<string, RedfishSession>();
  private readonly timers = new Map<string, unknown>();

  constructor(private readonly opts: RedfishSessionsOptions) {}

  open(user: string, origin: string): RedfishSession {
    const session = {
      id: randomBytes(8).toString('hex'),
      token: randomBytes(16).toString('hex'),
      user,
      origin,
    };
    this.byToken.set(session.token, session);
    this.arm(session);
    return session;
  }

  /** The session of a request's token; the request counts as activity, so its idle time starts again. */
  byAuthToken(token: string): RedfishSession | undefined {
    const session = this.byToken.get(token);
    if (session) this.arm(session);
    return session;
  }

  byId(id: string): RedfishSession | undefined {
    for (const s of this.byToken.values()) if (s.id === id) return s;
    return undefined;
  }

  close(session: RedfishSession): void {
    this.byToken.delete(session.token);
    this.opts.scheduler.clearTimeout(this.timers.get(session.token));
    this.timers.delete(session.token);
  }

  ids(): string[] {
    return [...this.byToken.values()].map((s) => s.id);
  }

  private arm(session: RedfishSession): void {
    const { scheduler, idleMs, onExpire } = this.opts;
    scheduler.clearTimeout(this.timers.get(session.token));
    const handle = scheduler.setTimeout(() => {
      if (this.byToken.get(session.token) !== session) return;
      this.close(session);
      onExpire(session);
    }, idleMs);
    // A session waiting to time out must not keep a stopping emulator alive.
    (handle as { unref?: () => void } | null)?.unref?.();
    this.timers.set(session.token, handle);
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
