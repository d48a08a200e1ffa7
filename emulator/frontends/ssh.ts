import type { EmulatorEvent } from '../events.js';
import type { SessionFactory } from '../session.js';
import type { SessionLimit } from './session-limit.js';

/**
 * The SSH front-end: password authentication against the device's users,
 * a shell channel carrying the same session as telnet. Host keys are
 * generated on first start and kept in `hostKeyFile`.
 */
export interface SshFrontendOptions {
  host: string;
  port: number;
  hostKeyFile?: string;
  /** Check a user name and password; the name is passed on to the session. */
  authenticate(user: string, password: string): boolean;
  makeSession: (user: string) => SessionFactory;
  emit: (e: EmulatorEvent) => void;
  idleTimeoutSeconds: () => number;
  limit: SessionLimit;
}

export class SshFrontend {
  constructor(readonly opts: SshFrontendOptions) {}

  listen(): Promise<{ address: string; port: number }> {
    return Promise.reject(new Error('the SSH front-end is not written yet'));
  }

  get address(): { address: string; port: number } {
    return { address: this.opts.host, port: this.opts.port };
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
