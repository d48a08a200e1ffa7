import net from 'node:net';
import path from 'node:path';
import { ConfigError, parseHostPort } from '../emulator/config.js';
import type { AdminServer } from '../emulator/lab/admin/server.js';
import type { Lab } from '../emulator/lab/lab.js';
import { type LabConfig, readLabConfig } from '../emulator/lab/lab-config.js';
import type { LabEvent } from '../emulator/lab/types.js';
import { FencekitError, UsageError } from '../src/errors.js';
import { watchLauncher } from './launcher-watch.js';
import { readSecretFile } from './secrets.js';

/**
 * `fencekit lab CONFIG`: every unit of the config in this one process, their
 * loads, the audit log and the admin API; how to reach each unit printed on
 * stdout (or, with --json, one JSON object); every lab event one JSON line on
 * stderr. Runs until SIGINT or SIGTERM (or, started by npx, until npx is
 * gone), then kills the loads, closes every listener and flushes the audit
 * log. Exit statuses are `fencekit emulate`'s (docs/lab.md).
 */
export interface LabFlags {
  stateDir?: string;
  admin?: string;
  adminTokenFile?: string;
  json?: boolean;
}

/** The lab could not start for a reason outside its config (an address in use, a device that cannot be opened). */
class StartError extends FencekitError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('ECONNECTION', message, options);
  }
}

function startupError(err: unknown): Error {
  if (err instanceof ConfigError || err instanceof RangeError) return new UsageError(err.message, { cause: err });
  const e = err as NodeJS.ErrnoException;
  if (e?.code === 'EADDRINUSE' || e?.code === 'EACCES' || e?.code === 'EADDRNOTAVAIL') {
    return new StartError(`cannot listen: ${e.message}`, { cause: err });
  }
  if (e?.code === 'ENOENT' || e?.code === 'ESERIALOPEN') return new StartError(e.message, { cause: err });
  return err instanceof Error ? err : new Error(String(err));
}

/** The admin API's address and token: the flags over the config; a token is required off loopback. */
function adminSettings(config: LabConfig, flags: LabFlags): { listen: string; token?: string } | null {
  const listen = flags.admin ?? config.admin?.listen;
  if (listen === undefined || listen === 'none') return null;
  const { host } = parseHostPort(listen, flags.admin !== undefined ? '--admin' : `${config.source}: admin: 'listen'`);
  const tokenFile = flags.adminTokenFile ?? config.admin?.tokenFile;
  const token = tokenFile !== undefined ? readSecretFile(tokenFile, 'the admin token file') : undefined;
  if (token === '') throw new UsageError(`the admin token file ${tokenFile} is empty`);
  if (token === undefined && !isLoopback(host)) {
    throw new UsageError(
      `the admin API on ${listen} is reachable from other machines: give it a token (--admin-token-file FILE or admin.tokenFile)`,
    );
  }
  return { listen, ...(token !== undefined ? { token } : {}) };
}

function isLoopback(host: string): boolean {
  if (host === 'localhost') return true;
  if (net.isIPv4(host)) return host.startsWith('127.');
  return host === '::1';
}

export async function runLab(file: string, flags: LabFlags): Promise<void> {
  let config: LabConfig;
  let admin: ReturnType<typeof adminSettings>;
  try {
    config = readLabConfig(file);
    admin = adminSettings(config, flags);
  } catch (err) {
    throw startupError(err);
  }
  const stateDir = flags.stateDir !== undefined ? path.resolve(flags.stateDir) : config.stateDir;

  // Listen for the signals before anything starts, so a quick Ctrl-C is never lost.
  let stopNow: () => void = () => {};
  const stopRequested = new Promise<void>((resolve) => {
    stopNow = resolve;
  });
  const shutdown = () => stopNow();
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
  const unwatch = watchLauncher(shutdown);

  // Loaded after the config is known to be good: a usage error does not pay for the units' code.
  const { Lab } = await import('../emulator/lab/lab.js');
  let lab: Lab;
  try {
    lab = await Lab.start(config, { stateDir });
  } catch (err) {
    process.off('SIGINT', shutdown);
    process.off('SIGTERM', shutdown);
    unwatch();
    throw startupError(err);
  }
  const stopLog = logLabEvents(lab);
  let server: AdminServer | null = null;
  if (admin) {
    try {
      const { startAdminServer } = await import('../emulator/lab/admin/server.js');
      server = await startAdminServer(lab, admin);
    } catch (err) {
      await lab.stop();
      process.off('SIGINT', shutdown);
      process.off('SIGTERM', shutdown);
      unwatch();
      throw startupError(err);
    }
  }

  if (flags.json) {
    const ready = {
      pid: process.pid,
      units: lab.units(),
      admin: server?.url ?? null,
      stateDir: lab.stateDir,
      auditFile: lab.auditFile,
    };
    process.stdout.write(`${JSON.stringify(ready)}\n`);
  } else {
    const lines = [
      ...lab.describe(),
      `admin:  ${server ? `${server.url}${admin?.token ? ' (token required)' : ''}` : 'off'}`,
      `state:  ${lab.stateDir}`,
      `audit:  ${lab.auditFile}`,
      'ready: SIGINT or SIGTERM stops the lab',
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  }

  await stopRequested;
  // The handlers stay while the lab stops: a second SIGTERM (systemd, an impatient Ctrl-C) must not
  // kill the process half-way, leaving the loads' detached process groups running and the audit unsynced.
  await server?.close();
  await lab.stop();
  process.off('SIGINT', shutdown);
  process.off('SIGTERM', shutdown);
  unwatch();
  stopLog();
  if (!flags.json) process.stdout.write('stopped\n');
}

/** One JSON line per lab event on stderr (pino's shape, as `fencekit emulate` logs). Events carry no secret. */
function logLabEvents(lab: Lab): () => void {
  const write = (e: LabEvent) => {
    const { time, ...rest } = e;
    process.stderr.write(`${JSON.stringify({ level: 30, time: Date.parse(time), src: 'fencekit-lab', ...rest })}\n`);
  };
  for (const e of lab.events.since(0)) write(e);
  return lab.events.subscribe(write);
}
