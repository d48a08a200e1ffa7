import { deviceFailure } from './device-failure.js';
import { fallback } from './fallback.js';
import { heartbeat } from './heartbeat.js';
import { orderly } from './orderly.js';
import type { Scenario } from './scenario.js';
import { disorderly, sickNotDead, splitBrain } from './scenarios.js';

/**
 * Every drill scenario by name, in the order `--help` and the docs list them.
 * A scenario with a stack of its own (heartbeat) is one entry like the others.
 */
export const SCENARIOS: readonly Scenario[] = [
  orderly,
  disorderly,
  sickNotDead,
  splitBrain,
  deviceFailure,
  fallback,
  heartbeat,
];

export function findScenario(name: string): Scenario | undefined {
  return SCENARIOS.find((s) => s.name === name);
}
