import type { EmulatorConfig } from '../../emulator/config.js';
import type { WtiModel } from '../../emulator/wti/personality.js';

/** A WTI emulator's settings. */
export type WtiConfig = EmulatorConfig & { model: WtiModel };

import { EventBus, type Timestamped } from '../../emulator/events.js';
import { WtiEmulator, type WtiEmulatorOptions } from '../../emulator/wti-emulator.js';

/**
 * An in-process WTI emulator for a test, on its own loopback address. Tests
 * in different files run in parallel, so each file takes its own 127.0.0.N
 * (see ADDRESSES.md beside this file). APC and iLO units: units.ts.
 */
export interface RunningWti {
  emulator: WtiEmulator;
  bus: EventBus;
  host: string;
  port: number;
  events: Timestamped[];
  stop(): Promise<void>;
}

export async function startWti(
  config: Partial<WtiConfig> & { listen: string | null },
  extra: Omit<WtiEmulatorOptions, 'config'> = {},
): Promise<RunningWti> {
  const bus = extra.bus ?? new EventBus(500);
  const events: Timestamped[] = [];
  bus.subscribe((e) => events.push(e));
  const emulator = await WtiEmulator.start({
    ...extra,
    bus,
    config: { model: 'ips800', password: 'secret', ...config },
  });
  const address = emulator.telnet?.address;
  return {
    emulator,
    bus,
    host: address?.address ?? '',
    port: address?.port ?? 0,
    events,
    stop: () => emulator.stop(),
  };
}

/** Plug states as a compact string, "ON ON OFF …", for assertions a person can read. */
export function plugStates(emulator: WtiEmulator): string {
  return emulator.device.bank
    .all()
    .map((o) => o.state)
    .join(' ');
}

/**
 * Back to how a test expects to find the unit: no fault, no boot step pending,
 * the plugs in `off` off and every other one on. For files that share one
 * emulator between tests, so each test passes alone or after any other.
 */
export function resetWti(wti: RunningWti, off: readonly number[] = []): void {
  const d = wti.emulator.device;
  d.faults.clear();
  for (const o of d.bank.all()) d.bank.force(o.number, off.includes(o.number) ? 'OFF' : 'ON', 'test');
}
