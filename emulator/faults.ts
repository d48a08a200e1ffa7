/**
 * The one fault vocabulary of every emulated unit (and of the lab's API):
 * each family takes the names that mean something for it, and each says in
 * its own docs what its clients see (docs/emulator.md §13, docs/ilo.md §6.2).
 * A name here means the same thing on every unit that takes it:
 * - busy: new sessions are turned away as when the unit is full;
 * - hang: connections are accepted and answered with nothing;
 * - hang-after-login: the login is accepted, then the unit answers nothing;
 * - drop-after-login: the unit hangs up right after a successful login;
 * - refuse-login: the right password (community, key) is refused as a wrong one;
 * - slow: every answer comes 2 s late;
 * - garbled: the output is noise no client can read;
 * - stall-mid-screen: a screen stops half-way and the unit goes silent (menus only);
 * - stuck-relay: switching commands are acknowledged, nothing moves.
 * Names only: the list of model kinds reads them without loading any device.
 */
export const FAULTS = [
  'busy',
  'hang',
  'hang-after-login',
  'drop-after-login',
  'refuse-login',
  'slow',
  'garbled',
  'stall-mid-screen',
  'stuck-relay',
] as const;

export type Fault = (typeof FAULTS)[number];
