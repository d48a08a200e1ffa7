import path from 'node:path';
import type { EventBus } from './events.js';
import { StateFileError } from './state-error.js';
import { StateFields, shown } from './state-fields.js';
import { readStateFile, removeStaleTemporaries, writeStateFile } from './state-file.js';

/**
 * What every emulated unit does with its state file: what it remembers is
 * loaded over the config file (and under the command-line flags, which the
 * caller applies after), and every change on the wire is saved at once.
 */
export interface Persistent<S extends { model: string }> {
  readonly model: string;
  /**
   * Load a state file's snapshot, every value checked first against what this
   * unit could have written (a StateFileError naming the field otherwise).
   * `version` and `model` are checked before this is called.
   */
  restore(raw: Record<string, unknown>, fields: StateFields): void;
  snapshot(): S;
}

/** The state file format this build reads and writes. */
export const STATE_VERSION = 1;

/**
 * Load the state file into the unit, if there is one, after removing the
 * temporaries a killed run left beside it. Anything wrong with the file is a
 * StateFileError (`fencekit emulate` exits 65 with its one line).
 */
export function restoreState<S extends { model: string }>(file: string | undefined, unit: Persistent<S>): void {
  if (!file) return;
  removeStaleTemporaries(file);
  const raw = readStateFile(file);
  if (raw === null) return;
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    throw new StateFileError(file, null, `expected a JSON object, got ${shown(raw)}`);
  }
  const fields = new StateFields(file);
  const o = raw as Record<string, unknown>;
  fields.oneOf(o.version, 'version', [STATE_VERSION]);
  if (o.model !== unit.model) fields.fail('model', `"${unit.model}" (the model being started)`, shown(o.model));
  unit.restore(o, fields);
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
