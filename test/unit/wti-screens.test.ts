import { describe, expect, it } from 'vitest';
import type { EmulatorEvent } from '../../emulator/events.js';
import { personalities } from '../../emulator/wti/personality.js';
import { banner, formatDelay, helpScreen, menuScreen, statusScreen } from '../../emulator/wti/screens.js';
import { WtiDevice } from '../../emulator/wti/wti-device.js';
import { ManualScheduler } from './support.js';

/** Screens checked against wti-ips800.md §4 byte for byte, and against what each real client's parser does with them. */
function device(model: 'ips800' | 'nps' = 'ips800') {
  const events: EmulatorEvent[] = [];
  const d = new WtiDevice({ model, emit: (e) => events.push(e), scheduler: new ManualScheduler() });
  return d;
}

const RULE = '-----+------------------+-------------+--------+-----------------+---------+';
const HEADER = 'Plug | Name             | Password    | Status | Boot/Seq. Delay | Default |';

describe('banner', () => {
  it('is the IPS-800 v1.40h line', () => {
    expect(banner(device('ips800'))).toBe('Internet Power Switch v1.40h    Site ID: (undefined)');
  });

  it('is the NPS v2.12 line', () => {
    expect(banner(device('nps'))).toBe('Network Power Switch v2.12     Site: (undefined)');
  });

  it('shows the site ID once one is set, and keeps " Power Switch" for wti_nps', () => {
    const d = device();
    d.siteId = 'rack-7';
    expect(banner(d)).toBe('Internet Power Switch v1.40h    Site ID: rack-7');
    expect(banner(d)).toContain(' Power Switch');
  });
});

describe('/S status screen', () => {
  it('is byte-exact for the reference layout', () => {
    const d = device();
    d.load({
      plugs: [
        { number: 1, name: 'InfeedA_Outlet1' },
        { number: 2, name: 'node2', state: 'OFF' },
      ],
    });
    const rowsOn = (n: number) => ` ${n}   | (undefined)      | (undefined) |   ON   |     0.5 Secs    |   ON    |\r\n`;
    expect(statusScreen(d, null)).toBe(
      '\r\n' +
        'Internet Power Switch v1.40h    Site ID: (undefined)\r\n' +
        '\r\n' +
        `${HEADER}\r\n` +
        `${RULE}\r\n` +
        ' 1   | InfeedA_Outlet1  | (undefined) |   ON   |     0.5 Secs    |   ON    |\r\n' +
        ' 2   | node2            | (undefined) |   OFF  |     0.5 Secs    |   ON    |\r\n' +
        [3, 4, 5, 6, 7, 8].map(rowsOn).join('') +
        `${RULE}\r\n` +
        '\r\n',
    );
  });

  it('uses the NPS banner for the NPS personality, with the same table', () => {
    const s = statusScreen(device('nps'), null);
    expect(s.startsWith('\r\nNetwork Power Switch v2.12     Site: (undefined)\r\n\r\n')).toBe(true);
    expect(s).toContain(`\r\n${HEADER}\r\n${RULE}\r\n`);
  });

  it('has the column widths 5|18|13|8|17|9 on every table line, whatever the values', () => {
    const d = device();
    d.load({
      plugs: [
        { number: 1, name: 'sixteen-chars-ok', bootDelay: 60, default: 'OFF', state: 'OFF', password: 'pw' },
        { number: 2, name: 'a', bootDelay: 5 },
        { number: 3, name: null, bootDelay: 15, default: 'OFF' },
      ],
    });
    const lines = statusScreen(d, null).split('\r\n');
    const table = lines.filter((l) => l.includes('|') || l.includes('+'));
    expect(table).toHaveLength(2 + 8 + 1);
    for (const line of table) {
      const widths = line.split(/[|+]/).map((c) => c.length);
      expect(widths, line).toEqual([5, 18, 13, 8, 17, 9, 0]);
    }
  });

  it('formats every cell as the reference does', () => {
    const d = device();
    d.load({
      plugs: [
        { number: 1, name: 'sixteen-chars-ok', bootDelay: 60, default: 'OFF', state: 'OFF', password: 'pw' },
        { number: 2, name: 'a', bootDelay: 5, default: 'ON', state: 'ON' },
        { number: 3, bootDelay: 15 },
      ],
    });
    const rows = statusScreen(d, null)
      .split('\r\n')
      .filter((l) => /^ \d/.test(l));
    expect(rows[0]).toBe(' 1   | sixteen-chars-ok | (defined)   |   OFF  |      60 Secs    |   OFF   |');
    expect(rows[1]).toBe(' 2   | a                | (undefined) |   ON   |       5 Secs    |   ON    |');
    expect(rows[2]).toBe(' 3   | (undefined)      | (undefined) |   ON   |      15 Secs    |   ON    |');
  });

  it('never shows a plug password itself', () => {
    const d = device();
    d.load({ plugs: [{ number: 4, password: 'hunter2' }] });
    expect(statusScreen(d, null)).not.toContain('hunter2');
  });

  it('ends every line with CR LF, with no stray CR or LF', () => {
    const s = statusScreen(device(), null);
    expect(s.endsWith('\r\n')).toBe(true);
    expect(s.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
  });

  it('has the bare CR LF line right after the closing rule, and nothing after it', () => {
    const s = statusScreen(device(), null);
    expect(s.endsWith(`\r\n${RULE}\r\n\r\n`)).toBe(true);
  });

  it('keeps "-----+" out of everything above the table (wti_nps starts reading rows at the first one)', () => {
    const s = statusScreen(device(), null);
    expect(s.indexOf('-----+')).toBe(s.indexOf(RULE));
    expect(s.indexOf(RULE)).toBeGreaterThan(s.indexOf(HEADER));
  });

  it('shows only the given plugs (plug-password user mode)', () => {
    const d = device();
    const rows = statusScreen(d, new Set([2, 5]))
      .split('\r\n')
      .filter((l) => /^ \d/.test(l));
    expect(rows.map((r) => r.slice(0, 5))).toEqual([' 2   ', ' 5   ']);
  });

  it('parses in cluster-glue wti_nps as it does on the wire (-l)', () => {
    const d = device();
    d.load({
      plugs: [
        { number: 1, name: 'node1' },
        { number: 2, name: 'Node2' },
        { number: 5, name: 'node2' },
        { number: 6, name: 'exactly16charsXX' },
      ],
    });
    expect(wtiNpsList(statusScreen(d, null) + d.personality.prompt)).toEqual([
      'node1',
      'node2',
      'node2',
      'exactly16charsxx',
    ]);
  });

  it('parses in fence-agents fence_wti: header fields, rule skipped, every row complete', () => {
    const d = device();
    d.load({ plugs: [{ number: 3, name: 'web-server', state: 'OFF' }] });
    const status = fenceWtiStatus(statusScreen(d, null));
    expect(status.get('3')).toEqual({ name: 'web-server', status: 'off' });
    expect(status.get('1')).toEqual({ name: '(undefined)', status: 'on' });
    expect(status.size).toBe(8);
  });

  it('matches powerman wti.dev: Default in the header, rows with two ON/OFF columns, a rule ending "+\\r\\n"', () => {
    const d = device();
    d.load({ plugs: [{ number: 2, state: 'OFF', default: 'OFF' }] });
    const s = statusScreen(d, null);
    expect(s).toMatch(/Default[^\r\n]*\r\n/);
    expect(s).toMatch(/\+\r\n/);
    const rows = [...s.matchAll(/([0-9]+)[^\r\n]*(ON|OFF)[^\r\n]*(ON|OFF)/g)].map((m) => `${m[1]} ${m[2]} ${m[3]}`);
    expect(rows).toEqual(['1 ON ON', '2 OFF OFF', '3 ON ON', '4 ON ON', '5 ON ON', '6 ON ON', '7 ON ON', '8 ON ON']);
  });
});

describe('formatDelay', () => {
  it.each([
    [0.5, '     0.5 Secs'],
    [1, '       1 Secs'],
    [5, '       5 Secs'],
    [60, '      60 Secs'],
  ])('%s s → %j', (s, text) => {
    expect(formatDelay(s)).toBe(text);
  });
});

describe('/H help screen', () => {
  for (const p of Object.values(personalities)) {
    it(`(${p.id}) contains neither a prompt nor the table rule, and ends its lines with CR LF`, () => {
      const h = helpScreen(p);
      expect(h).not.toContain('PS>');
      expect(h).not.toContain('BB>');
      expect(h).not.toContain('-----+');
      expect(h).not.toContain(p.prompt.trim());
      expect(h.startsWith('\r\n')).toBe(true);
      expect(h.endsWith('\r\n')).toBe(true);
      expect(h.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
      expect(h).toContain('/BOOT');
    });
  }
});

describe('settings menu screen', () => {
  it('numbers the items from 1, aligns the values, and ends with the choice question', () => {
    const p = personalities.ips800;
    const s = menuScreen(p, 'PLUG 3 PARAMETERS:', [
      { label: 'Plug Name', show: () => 'web', set: () => true },
      { label: 'Boot/Seq. Delay', show: () => '5 Secs', set: () => true },
    ]);
    // The layout is [unverified]; what matters is the numbering, aligned values and the question at the end.
    expect(s.startsWith('\r\nPLUG 3 PARAMETERS:\r\n\r\n')).toBe(true);
    expect(s.endsWith(`\r\n\r\n${p.text.menuChoice}`)).toBe(true);
    const items = s.split('\r\n').filter((l) => /^ {4}\d\. /.test(l));
    expect(items).toHaveLength(2);
    expect(items[0]).toMatch(/^ {4}1\. Plug Name: +web$/);
    expect(items[1]).toMatch(/^ {4}2\. Boot\/Seq\. Delay: +5 Secs$/);
    expect(items[0]?.indexOf('web')).toBe(items[1]?.indexOf('5 Secs'));
    expect(s).not.toContain('PS>');
  });
});

// --- Independent re-implementations of the real clients' parsers (wti-ips800.md §4, §7) --------

/** cluster-glue wti_nps -l: rows after the first "-----+" line, until a line of ≤ 2 characters, via sscanf("%d | %16c"). */
function wtiNpsList(screen: string): string[] {
  const start = screen.indexOf('-----+');
  expect(start).toBeGreaterThanOrEqual(0);
  let pos = screen.indexOf('\n', start) + 1;
  const names: string[] = [];
  for (;;) {
    const end = screen.indexOf('\n', pos);
    if (end < 0) throw new Error('wti_nps would time out: no line of 2 characters or fewer after the table');
    const line = screen.slice(pos, end + 1);
    pos = end + 1;
    if (line.length <= 2) break;
    const m = /^\s*(-?\d+)\s*\|\s*/.exec(line);
    if (!m) continue;
    const name = line
      .slice(m[0].length, m[0].length + 16)
      .replace(/\s+$/, '')
      .toLowerCase();
    if (name.startsWith('(undefined)') || name.startsWith('---')) continue;
    names.push(name);
  }
  return names;
}

/** fence_wti: header starting "Plug", next line skipped, then rows with at least as many "|" fields. */
function fenceWtiStatus(screen: string): Map<string, { name: string; status: string }> {
  const lines = screen.split('\n');
  const headerAt = lines.findIndex((l) => /^plug/i.test(l));
  expect(headerAt).toBeGreaterThanOrEqual(0);
  const header = (lines[headerAt] as string).split('|').map((f) => f.trim().toLowerCase());
  expect(header).toEqual(expect.arrayContaining(['plug', 'name', 'status']));
  const out = new Map<string, { name: string; status: string }>();
  for (const line of lines.slice(headerAt + 2)) {
    if (!line.includes('|')) continue;
    const fields = line.split('|').map((f) => f.trim());
    if (fields.length < header.length) break;
    out.set(fields[header.indexOf('plug')] as string, {
      name: fields[header.indexOf('name')] as string,
      status: (fields[header.indexOf('status')] as string).toLowerCase(),
    });
  }
  return out;
}
