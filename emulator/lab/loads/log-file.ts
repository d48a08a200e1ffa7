import fs from 'node:fs';
import path from 'node:path';
import type { LoadContext } from './load.js';

/**
 * Where a load's output goes: `<stateDir>/loads/<unit>-<plug>.log`, appended
 * to across runs, 0600, never through a symbolic link. The descriptor is
 * handed to the child as its stdout and stderr, and closed here at once.
 */
export function loadLogFile(ctx: LoadContext): string {
  return path.join(ctx.stateDir, 'loads', `${ctx.unit}-${ctx.plug}.log`);
}

export function openLoadLog(ctx: LoadContext): number {
  const { O_WRONLY, O_APPEND, O_CREAT, O_NOFOLLOW } = fs.constants;
  const file = loadLogFile(ctx);
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  return fs.openSync(file, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW, 0o600);
}

/** A line of the lab's own in the load's log (a start, a kill), so the log reads as a story. */
export function noteInLog(fd: number, line: string): void {
  try {
    fs.writeSync(fd, `[fencekit lab ${new Date().toISOString()}] ${line}\n`);
  } catch {
    // the log is a convenience: a full disk must not stop a power cut
  }
}

/** The environment a load's command runs with: the lab's, the spec's, and where it is. */
export function loadEnv(ctx: LoadContext, extra: Record<string, string> | undefined, state?: 'on' | 'off') {
  return {
    ...process.env,
    ...(extra ?? {}),
    FENCEKIT_UNIT: ctx.unit,
    FENCEKIT_PLUG: String(ctx.plug),
    ...(state ? { FENCEKIT_STATE: state } : {}),
  };
}
