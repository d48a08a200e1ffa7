// The generations and fault names alone, so the list of model kinds (emulator/models.ts)
// reads them without loading the board's model.
export type IloModel = 'ilo2' | 'ilo3' | 'ilo4' | 'ilo5';

export const ILO_MODELS: readonly IloModel[] = ['ilo2', 'ilo3', 'ilo4', 'ilo5'];

export function isIloModel(model: string): model is IloModel {
  return (ILO_MODELS as readonly string[]).includes(model);
}

/** Named faults: the board never changes the power state (stuck), or hangs up after login. */
export const ILO_FAULTS = ['stuck-power', 'drop-after-login'] as const;
export type IloFault = (typeof ILO_FAULTS)[number];
