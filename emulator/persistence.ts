import path from 'node:path';
import { ConfigError } from './config.js';
import type { EventBus } from './events.js';
import { readStateFile, writeStateFile } from './state-file.js';

/**
 * What every emulated unit does with its state file: what it remembers is
 * loaded over the config file (and under the command-line flags, which the
 * caller applies after), and every change on the wire is saved at once.
 */
export interface Persistent<S extends { model: string }> {
  readonly model: string;
  load(saved: S): void;
  snapshot(): S;
}

/** Load the state file into the unit, if there is one; a file of another model or a broken one is a ConfigError. */
export function restoreState<S extends { model: string }>(file: string | undefined, unit: Persistent<S>): void {
  if (!file) return;
  let saved: S | null;
  try {
    saved = readStateFile<S>(file);
  } catch (err) {
    throw new ConfigError((err as Error).message, { cause: err });
  }
  if (!saved) return;
  if (saved.model !== unit.model)
    throw new ConfigError(`state file ${file} holds a ${saved.model}, not a ${unit.model}`);
  try {
    unit.load(saved);
  } catch (err) {
    throw new ConfigError(`state file ${file}: ${(err as Error).message}`, { cause: err });
  }
}

/** Write the state now and after every plug or setting change; returns the unsubscribe. */
export function persistState<S extends { model: string }>(
  file: string | undefined,
  unit: Persistent<S>,
  bus: EventBus,
): () => void {
  if (!file) return () => {};
  writeStateFile(file, unit.snapshot());
  return bus.subscribe((e) => {
    if (e.type === 'plug' || e.type === 'setting') writeStateFile(file, unit.snapshot());
  });
}

/** The SSH host key lives beside the state file; with no state file there is none (a new key each start). */
export function hostKeyFileFor(state: string | undefined): string | undefined {
  return state ? path.join(path.dirname(state), `${path.basename(state)}.ssh-host-key`) : undefined;
}
