/**
 * What a device-type module offers the stonith front-end: the three calls of
 * a cluster-glue stonith plugin, returning its status codes (stonith.h).
 * The front-end prints and maps to exit statuses; the plugin does the device work.
 */
import type { Logger } from './log.js';

/** cluster-glue's return codes; the exit status of an action is one of these (or 255 for a failed -l). */
export const S = {
  OK: 0,
  BADCONFIG: 1,
  ACCESS: 2,
  INVAL: 3,
  BADHOST: 4,
  RESETFAIL: 5,
  TIMEOUT: 6,
  ISOFF: 7,
  OOPS: 8,
} as const;

export type ResetRequest = 'reset' | 'on' | 'off';

export interface StonithPlugin {
  /**
   * Optional: what the C plugin's set_config does beyond copying the values
   * (apcmastersnmp resolves the host and reads the device). S.OK, or the
   * return code the front-end reports as a configuration failure.
   */
  configure?(): Promise<number>;
  /** The device answers and accepts our login. */
  status(): Promise<number>;
  /** The hosts the device controls, in its order; null when they could not be read. */
  hostlist(): Promise<string[] | null>;
  /** Power action on one host (already lowercased). */
  reset(request: ResetRequest, host: string): Promise<number>;
}

export interface PluginContext {
  log: Logger;
  /** Number of -d given. */
  debug: number;
}

export interface PluginModule {
  /**
   * `config` has a value for every config name of the type (an external type:
   * the pairs given, whatever their names); values are byte strings (latin1),
   * as the C plugins see them.
   */
  createPlugin(config: ReadonlyMap<string, string>, context: PluginContext): StonithPlugin;
}
