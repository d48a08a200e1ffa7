import type { PlugState } from '../events.js';
import { join, STATE_TEXT_MAX, type StateFields } from '../state-fields.js';
import type { ApcDevice, ApcFirmware, ApcOutletState } from './apc-device.js';

export type ApcSaved = Parameters<ApcDevice['load']>[0];

/**
 * An APC state file's values, checked against what the card could have
 * saved: outlet numbers of this unit, ON or OFF, names and identity text as
 * the SNMP agent takes them (sysName and the like: 255 characters; outlet
 * names: the agent's limit, or longer as --plug gives them, up to the common
 * ceiling). `firmware` is the one the file was written under; the flags decide
 * the one served, so it is only checked to be one the emulator knows.
 */
const TOP = ['version', 'model', 'firmware', 'identity', 'plugs'];
const IDENTITY = ['name', 'contact', 'location'];
const PLUG = ['number', 'name', 'rebootDuration', 'state'];
const STATES: readonly PlugState[] = ['ON', 'OFF'];
const FIRMWARE: readonly ApcFirmware[] = ['2.7', '6.4'];
/** What sysName, sysContact and sysLocation take over SNMP. */
const IDENTITY_MAX = 255;

export function parseApcSnapshot(raw: Record<string, unknown>, f: StateFields, outlets: number): ApcSaved {
  const o = f.object(raw, '', TOP, ['version', 'model', 'plugs']);
  const s: ApcSaved = {};
  if ('firmware' in o) f.oneOf(o.firmware, 'firmware', FIRMWARE);
  if ('identity' in o) {
    const id = f.object(o.identity, 'identity', IDENTITY);
    s.identity = {};
    for (const key of ['name', 'contact', 'location'] as const) {
      if (key in id) s.identity[key] = f.text(id[key], join('identity', key), { max: IDENTITY_MAX });
    }
  }
  const seen = new Set<number>();
  s.plugs = f.list(o.plugs, 'plugs', outlets).map((value, i) => {
    const at = join('plugs', i);
    const p = f.object(value, at, PLUG, ['number']);
    const number = f.number(p.number, join(at, 'number'), 1, outlets, true);
    if (seen.has(number)) f.fail(join(at, 'number'), 'each outlet once', `outlet ${number} again`);
    seen.add(number);
    const plug: Partial<ApcOutletState> = { number };
    if ('name' in p) plug.name = f.textOrNull(p.name, join(at, 'name'), { max: STATE_TEXT_MAX });
    if ('rebootDuration' in p) plug.rebootDuration = f.number(p.rebootDuration, join(at, 'rebootDuration'), 0, 86_400);
    if ('state' in p) plug.state = f.oneOf(p.state, join(at, 'state'), STATES);
    return plug;
  });
  return s;
}
