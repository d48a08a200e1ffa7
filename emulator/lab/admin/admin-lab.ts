import type { Actor, LabEvent, PlugView, UnitView } from '../types.js';

/**
 * What the admin server needs of the lab: the methods of class Lab
 * (emulator/lab/lab.ts) that the API exposes, and nothing else. Lab satisfies
 * it as it is; the tests drive the server through a small fake of it, so the
 * API and the page are tested without booting a whole lab.
 */
export interface AdminLab {
  units(): UnitView[];
  /** Throws a LabError ENOUNIT for a unit the lab does not have. */
  unit(name: string): UnitView;
  setPlug(unit: string, plug: number, action: PlugAction, actor: Actor): Promise<PlugView>;
  setFault(unit: string, fault: string, active: boolean, actor: Actor): UnitView;
  freeze(unit: string, plug: number, actor: Actor): PlugView;
  thaw(unit: string, plug: number, actor: Actor): PlugView;
  readonly events: LabEventStream;
}

export type PlugAction = 'on' | 'off' | 'reboot';

export const PLUG_ACTIONS: readonly PlugAction[] = ['on', 'off', 'reboot'];

export interface LabEventStream {
  subscribe(fn: (e: LabEvent) => void): () => void;
  /** Every kept event whose id is greater than `id`, oldest first. */
  since(id: number): LabEvent[];
}
