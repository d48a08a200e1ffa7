import { FAULTS } from '../faults.js';

// The fault names alone, so the list of model kinds (emulator/models.ts) reads them without
// loading the card's model.
/** The card takes every fault of the vocabulary (emulator/faults.ts); docs/emulator.md §13 says what each front-end does with it. */
export const APC_FAULTS = FAULTS;
export type ApcFault = (typeof APC_FAULTS)[number];
