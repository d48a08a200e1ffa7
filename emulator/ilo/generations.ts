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
export const ILO_FAULTS = [
  'busy',
  'hang',
  'hang-after-login',
  'drop-after-login',
  'refuse-login',
  'slow',
  'garbled',
  'stuck-relay',
  'stuck-power',
] as const;
export type IloFault = (typeof ILO_FAULTS)[number];

/** Older names, and the fault each stands for. */
export const ILO_FAULT_ALIASES: Readonly<Partial<Record<IloFault, IloFault>>> = { 'stuck-power': 'stuck-relay' };
