import { ProtocolError } from '../../src/errors.js';
import type { PlugInfo } from '../../src/power-switch.js';
import { cutReply } from '../../src/progress.js';

/**
 * Reads the /S plug table. The header is the line that starts with "Plug";
 * the line after it is a rule; every later line with at least as many "|"
 * fields is a row. Column order is taken from the header, so firmware that
 * adds or drops a column (the IPS-4 has no Default) still parses.
 */
export function parseStatusTable(screen: string): PlugInfo[] {
  const lines = screen.split(/\r?\n|\r/);
  const headerAt = lines.findIndex((l) => /^\s*plug\s*\|/i.test(l));
  if (headerAt < 0) throw new ProtocolError('the status screen has no plug table');
  const header = fields(lines[headerAt] as string).map((f) => f.toLowerCase());
  const col = { plug: header.indexOf('plug'), name: header.indexOf('name'), status: header.indexOf('status') };
  if (col.plug < 0 || col.name < 0 || col.status < 0) {
    throw new ProtocolError(`the plug table header lacks Plug, Name or Status: "${cutReply(lines[headerAt] ?? '')}"`, {
      reply: lines[headerAt] ?? '',
    });
  }
  const plugs: PlugInfo[] = [];
  for (const line of lines.slice(headerAt + 2)) {
    if (!line.includes('|')) {
      if (plugs.length > 0) break;
      continue;
    }
    const f = fields(line);
    if (f.length < header.length) break;
    const number = f[col.plug] as string;
    if (!/^\d+$/.test(number)) continue; // the closing rule
    const status = (f[col.status] as string).toUpperCase();
    if (status !== 'ON' && status !== 'OFF') {
      throw new ProtocolError(`plug ${number} has an unknown status "${cutReply(f[col.status] ?? '')}"`, {
        plugs: [Number(number)],
        reply: f[col.status] ?? '',
      });
    }
    const name = f[col.name] as string;
    plugs.push({
      plug: Number(number),
      name: name === '' || name === '(undefined)' ? null : name,
      state: status === 'ON' ? 'on' : 'off',
    });
  }
  if (plugs.length === 0) throw new ProtocolError('the plug table has no rows');
  return plugs;
}

function fields(line: string): string[] {
  const parts = line.split('|').map((p) => p.trim());
  // A trailing "|" leaves an empty last field that is not a column.
  if (parts.length > 1 && parts[parts.length - 1] === '') parts.pop();
  return parts;
}
