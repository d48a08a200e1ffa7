import type { OutOfBandAction } from '../unit-kind.js';
import type { OutletBank } from './outlet-bank.js';

/**
 * An outlet switched out of band (the lab's cord): through the bank, so the
 * device's own sequencing holds (a reboot's ON comes after the outlet's boot
 * delay), but past the sessions, where the faults live.
 */
export function switchOutlet(bank: OutletBank, plug: number, action: OutOfBandAction, by: string): Promise<void> {
  if (!bank.get(plug)) throw new RangeError(`plug ${plug} does not exist: the unit has ${bank.count}`);
  return bank.switch([plug], action === 'reboot' ? 'boot' : action, by);
}
