// The fault names alone, so the list of model kinds (emulator/models.ts) reads them without
// loading the card's model.
/**
 * Named faults: stall-mid-screen (a screen stops half-way and the card goes
 * silent), stuck-relay (commands are acknowledged, no outlet moves),
 * drop-after-login (the card hangs up right after a login).
 */
export const APC_FAULTS = ['stall-mid-screen', 'stuck-relay', 'drop-after-login'] as const;
export type ApcFault = (typeof APC_FAULTS)[number];
