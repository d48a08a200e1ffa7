import type { PlugInfo, PowerState } from '../../src/power-switch.js';

/**
 * An iLO manages one server: the driver shows it as plug 1, named after the
 * server (or "server"), so the shared fencing semantics and targets apply
 * unchanged: `off(1)`, `off('db1')`.
 */
export function serverPlug(name: string | undefined, state: PowerState): PlugInfo[] {
  return [{ plug: 1, name: name ?? 'server', state }];
}
