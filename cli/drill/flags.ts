import type { DrillOptions, Scenario } from './scenario.js';

/**
 * `fencekit drill`'s flags as commander hands them over, and their check:
 * everything a person can get wrong on the command line is refused here, in
 * one line and before the drill touches the machine (exit 64).
 */
export interface DrillFlags {
  json?: boolean;
  fence?: string;
  subnet?: string;
  failure?: string;
  keep?: boolean;
}

const FENCES: readonly DrillOptions['fence'][] = ['wti', 'fencekit', 'stonith'];

/** The scenario's options, or the one-line reason the flags are refused. */
export function drillOptions(scenario: Scenario, flags: DrillFlags): DrillOptions | { usage: string } {
  const fence = (flags.fence ?? 'wti') as DrillOptions['fence'];
  if (!FENCES.includes(fence)) {
    return { usage: `--fence must be wti, fencekit or stonith (not '${flags.fence}')` };
  }
  const subnet = flags.subnet ?? '127.0.12';
  if (!/^127\.\d{1,3}\.\d{1,3}$/.test(subnet) || subnet.split('.').some((o) => Number(o) > 255)) {
    return { usage: `--subnet must be the first three octets of a 127.0.0.0/8 /24 (127.0.12), not '${subnet}'` };
  }
  const options: DrillOptions = { fence, subnet, keep: flags.keep ?? false };
  if (flags.failure !== undefined) {
    const accepted = scenario.failures ?? [];
    if (accepted.length === 0) {
      return {
        usage: `--failure is for the heartbeat scenario; ${scenario.name} always fails its node one way (docs/drills.md)`,
      };
    }
    if (!accepted.includes(flags.failure)) {
      return { usage: `--failure must be ${accepted.join(', ')} (not '${flags.failure}')` };
    }
    options.failure = flags.failure;
  }
  return options;
}
