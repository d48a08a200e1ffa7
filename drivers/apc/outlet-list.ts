import { ProtocolError } from '../../src/errors.js';
import type { PlugInfo } from '../../src/power-switch.js';

/**
 * The outlet table of the menu: rows `    10- Saturnin                 ON`. The
 * pager's erase (`\r` + spaces + `\r`) can sit inside a line, so only the text
 * after a line's last CR counts. `ALL Accessible Outlets` has no state and is
 * no outlet.
 */
export function parseMenuOutlets(screen: string): PlugInfo[] {
  const outlets = new Map<number, PlugInfo>();
  for (const raw of screen.split('\n')) {
    const line =
      raw
        .split('\r')
        .filter((part) => part.trim() !== '')
        .pop() ?? '';
    const m = /^\s*(\d+)- (.*?)\s+(ON|OFF)\s*$/.exec(line);
    if (!m) continue;
    const plug = Number(m[1]);
    outlets.set(plug, { plug, name: m[2] as string, state: m[3] === 'ON' ? 'on' : 'off' });
  }
  if (outlets.size === 0) throw new ProtocolError('the outlet screen lists no outlets');
  return [...outlets.values()].sort((a, b) => a.plug - b.plug);
}

/** `olStatus all` on the command line: ` 1: Outlet 1: On`. */
export function parseCliOutlets(text: string): PlugInfo[] {
  const outlets: PlugInfo[] = [];
  for (const line of text.split(/\r?\n|\r/)) {
    const m = /^\s*(\d+): (.*): (On|Off)\s*$/i.exec(line);
    if (m)
      outlets.push({
        plug: Number(m[1]),
        name: m[2] as string,
        state: (m[3] as string).toLowerCase() === 'on' ? 'on' : 'off',
      });
  }
  if (outlets.length === 0) throw new ProtocolError('olStatus listed no outlets');
  return outlets;
}
