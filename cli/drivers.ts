/**
 * The one list of every driver fencekit offers. Each consumer (fencekit power,
 * its help, the docs' table, the fence agent) reads it, so a new vendor is one
 * folder with a registration.ts and one entry here. Importing this loads no
 * driver: each registration loads its own when `create` runs.
 */
import { apcRegistration, apcSnmpRegistration } from '../drivers/apc/registration.js';
import { iloRegistration, iloSshRegistration, redfishRegistration } from '../drivers/ilo/registration.js';
import { wtiRegistration } from '../drivers/wti/registration.js';
import type { DriverRegistration } from '../src/driver-registration.js';
import { UsageError } from '../src/errors.js';
import { cutReply } from '../src/progress.js';

export const DRIVERS: readonly DriverRegistration[] = [
  wtiRegistration,
  apcRegistration,
  apcSnmpRegistration,
  iloRegistration,
  iloSshRegistration,
  redfishRegistration,
];

/** The registration of `name`, or a usage error listing the known ones. */
export function findDriver(name: string): DriverRegistration {
  const hit = DRIVERS.find((d) => d.name === name);
  if (!hit)
    throw new UsageError(`unknown driver '${cutReply(name, 64)}' (known: ${DRIVERS.map((d) => d.name).join(', ')})`);
  return hit;
}
