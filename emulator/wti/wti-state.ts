import type { PlugState } from '../events.js';
import { join, STATE_TEXT_MAX, type StateFields } from '../state-fields.js';
import { NAME_MAX, type WtiPersonality } from './personality.js';
import type { WtiDevice, WtiPlugState } from './wti-device.js';

export type WtiSaved = Parameters<WtiDevice['load']>[0];

/**
 * A WTI state file's values, checked against what the unit could have saved:
 * plug names as the /P menu and --plug take them (16 characters, no '|',
 * which would split the /S table), ON or OFF, plug numbers of this model.
 * Passwords and the site ID: the flags take any length, so only the common
 * ceiling applies. A missing field keeps the unit's value (a plug's state: its
 * power-up default).
 */
const TOP = ['version', 'model', 'systemPassword', 'siteId', 'confirm', 'automated', 'disconnectTimeout', 'plugs'];
const PLUG = ['number', 'name', 'password', 'bootDelay', 'default', 'state'];
const STATES: readonly PlugState[] = ['ON', 'OFF'];

export function parseWtiSnapshot(raw: Record<string, unknown>, f: StateFields, personality: WtiPersonality): WtiSaved {
  const o = f.object(raw, '', TOP, ['version', 'model', 'plugs']);
  const text = { max: STATE_TEXT_MAX };
  const secret = { max: STATE_TEXT_MAX, secret: true };
  const s: WtiSaved = {};
  if ('systemPassword' in o) s.systemPassword = f.textOrNull(o.systemPassword, 'systemPassword', secret);
  if ('siteId' in o) s.siteId = f.textOrNull(o.siteId, 'siteId', text);
  if ('confirm' in o) s.confirm = f.boolean(o.confirm, 'confirm');
  if ('automated' in o) s.automated = f.boolean(o.automated, 'automated');
  // Seconds; 0 (no timeout) is what --idle-timeout 0 saves.
  if ('disconnectTimeout' in o) s.disconnectTimeout = f.number(o.disconnectTimeout, 'disconnectTimeout', 0, 86_400);
  const seen = new Set<number>();
  s.plugs = f.list(o.plugs, 'plugs', personality.plugCount).map((value, i) => {
    const at = join('plugs', i);
    const p = f.object(value, at, PLUG, ['number']);
    const number = f.number(p.number, join(at, 'number'), 1, personality.plugCount, true);
    if (seen.has(number)) f.fail(join(at, 'number'), 'each plug once', `plug ${number} again`);
    seen.add(number);
    const plug: Partial<WtiPlugState> = { number };
    if ('name' in p) plug.name = f.textOrNull(p.name, join(at, 'name'), { max: NAME_MAX, forbidden: ['|'] });
    if ('password' in p) plug.password = f.textOrNull(p.password, join(at, 'password'), secret);
    if ('bootDelay' in p) plug.bootDelay = f.number(p.bootDelay, join(at, 'bootDelay'), 0, 86_400);
    if ('default' in p) plug.default = f.oneOf(p.default, join(at, 'default'), STATES);
    if ('state' in p) plug.state = f.oneOf(p.state, join(at, 'state'), STATES);
    return plug;
  });
  return s;
}
