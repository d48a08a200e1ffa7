import type { ModelKind } from '../models.js';

/**
 * One set of fault names across vendors (docs/lab.md): each family takes those
 * that make sense for it, as its entry in models.ts lists them. The names are
 * the devices' own; the only difference is the iLO's older `stuck-power`,
 * which the lab calls `stuck-relay` like the switches.
 */
export const LAB_FAULTS = [
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

/** Older device names and the lab's name for them. */
const ALIASES: Record<string, string> = { 'stuck-power': 'stuck-relay' };

/** The lab's name for a device's fault. */
export function labFaultName(deviceName: string): string {
  return ALIASES[deviceName] ?? deviceName;
}

/** The faults a unit of this kind can take, in the lab's names, each once. */
export function knownFaults(kind: ModelKind): string[] {
  return [...new Set(kind.faults.map(labFaultName))];
}

/**
 * The name the device's `faults` set uses for a lab fault (or an older name
 * given as is), or undefined when the kind does not have it. The device's own
 * name wins when it has both (an iLO that learned `stuck-relay`).
 */
export function deviceFaultName(kind: ModelKind, fault: string): string | undefined {
  if (kind.faults.includes(fault)) return fault;
  const lab = labFaultName(fault);
  if (kind.faults.includes(lab)) return lab;
  return kind.faults.find((f) => labFaultName(f) === lab);
}
