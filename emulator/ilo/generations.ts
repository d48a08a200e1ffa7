import { FAULTS, type Fault } from '../faults.js';

// The generations and fault names alone, so the list of model kinds (emulator/models.ts)
// reads them without loading the board's model.
export type IloModel = 'ilo2' | 'ilo3' | 'ilo4' | 'ilo5';

export const ILO_MODELS: readonly IloModel[] = ['ilo2', 'ilo3', 'ilo4', 'ilo5'];

export function isIloModel(model: string): model is IloModel {
  return (ILO_MODELS as readonly string[]).includes(model);
}

/**
 * The faults an iLO takes, in the lab's vocabulary (what each protocol's
 * client sees: docs/ilo.md §6.2). `stuck-power` is the older name of
 * `stuck-relay` and means the same; the fault set files it under the new one.
 */
export type IloFault = Exclude<Fault, 'stall-mid-screen'> | 'stuck-power';

/** The vocabulary (emulator/faults.ts) but for the menus' stall-mid-screen, and the older name. */
export const ILO_FAULTS: readonly IloFault[] = [
  ...FAULTS.filter((f): f is Exclude<Fault, 'stall-mid-screen'> => f !== 'stall-mid-screen'),
  'stuck-power',
];

/** Older names, and the fault each stands for. */
export const ILO_FAULT_ALIASES: Readonly<Partial<Record<IloFault, IloFault>>> = { 'stuck-power': 'stuck-relay' };
