import type { PlugState } from '../events.js';
import { STATE_TEXT_MAX, type StateFields } from '../state-fields.js';
import type { IloDevice } from './ilo-device.js';

export type IloSaved = Parameters<IloDevice['load']>[0];

/**
 * An iLO state file's values: the server's power, ON or OFF, and its host
 * name, which the start-up hints print inside a stonith command line, so
 * only the characters a host name or a cluster node name uses are taken.
 */
const TOP = ['version', 'model', 'power', 'hostName'];
const STATES: readonly PlugState[] = ['ON', 'OFF'];

export function parseIloSnapshot(raw: Record<string, unknown>, f: StateFields): IloSaved {
  const o = f.object(raw, '', TOP, ['version', 'model']);
  const s: IloSaved = {};
  if ('power' in o) s.power = f.oneOf(o.power, 'power', STATES);
  if ('hostName' in o) {
    const name = f.text(o.hostName, 'hostName', { min: 1, max: STATE_TEXT_MAX });
    if (!/^[A-Za-z0-9._:@+-]+$/.test(name))
      f.fail('hostName', 'letters, digits and . _ : @ + - only', JSON.stringify(name));
    s.hostName = name;
  }
  return s;
}
