import { X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmulatorEvent, Timestamped } from '../../emulator/events.js';
import { IloDevice, type IloModel } from '../../emulator/ilo/ilo-device.js';
import { RibclSession, XmlReader } from '../../emulator/ilo/ribcl.js';
import { sniff } from '../../emulator/ilo/tls-server.js';
import type { IloEmulator } from '../../emulator/ilo-emulator.js';
import { peer, run } from '../helpers/run.js';
import { type RunningIlo, startIlo } from '../helpers/units.js';
import { untilEvent, waitFor } from '../helpers/wait.js';
import { ManualScheduler, randomSplit, seededRandom } from '../unit/support.js';

/**
 * The RIBCL engine (emulator/ilo/ribcl.ts) fed the exact text the real clients
 * send (ilo.md §2–§3), split every way; and the TLS front-end on 127.0.0.1
 * port 0. The expected documents are written out here by hand from the
 * recordings (ilo.md §1), not produced by the code under test.
 */

const OK = `<RESPONSE\n    STATUS="0x0000"\n    MESSAGE='No error'\n     />\n`;
const statusDoc = (version: string) => `<?xml version="1.0"?>\n<RIBCL VERSION="${version}">\n${OK}</RIBCL>\n`;
const powerDoc = (version: string, power: string) =>
  `<?xml version="1.0"?>\n<RIBCL VERSION="${version}">\n${OK}<GET_HOST_POWER\n    HOST_POWER="${power}"\n    />\n</RIBCL>\n`;

/** riloe's request, byte for byte (ilo.md §3): tabs, LF, the last line CRLF, no </LOCFG>. */
const riloeRequest = (command: string, user = 'admin', password = 'pw') =>
  '<?xml version="1.0" ?>\n' +
  '<LOCFG VERSION="2.21">\n' +
  '\t<RIBCL VERSION="1.2">\n' +
  `\t\t<LOGIN PASSWORD="${password}" USER_LOGIN="${user}">\n` +
  '\t\t\t<SERVER_INFO MODE="write">\n' +
  `\t\t\t\t${command}\n` +
  '\t\t\t</SERVER_INFO>\n' +
  '\t\t</LOGIN>\n' +
  '\t</RIBCL>\r\n';

/** fence_ilo's lines, as they reach the board through the pty and `gnutls-cli --crlf`: each followed by an empty line. */
const line = (text: string) => `${text}\r\n\r\n`;
const fenceIloLogin = (password = 'pw') => line(`<LOGIN USER_LOGIN = "admin" PASSWORD = "${password}">`);

interface Board {
  device: IloDevice;
  scheduler: ManualScheduler;
  events: EmulatorEvent[];
  session(): RibclSession;
}

function board(model: IloModel = 'ilo3', power: 'ON' | 'OFF' = 'ON'): Board {
  const scheduler = new ManualScheduler();
  const events: EmulatorEvent[] = [];
  const device = new IloDevice({ model, scheduler, emit: (e) => events.push(e) });
  device.users = [{ name: 'admin', password: 'pw' }];
  device.power = power;
  return {
    device,
    scheduler,
    events,
    session: () => new RibclSession(device, { origin: 'ribcl 127.0.0.1:40000', emit: (e) => events.push(e) }),
  };
}

/** Feed arrivals in turn; all documents, and whether the session ended. */
function exchange(session: RibclSession, arrivals: string[]): { docs: string[]; end: boolean } {
  const docs: string[] = [];
  let end = false;
  for (const a of arrivals) {
    const r = session.feed(a);
    docs.push(...r.documents);
    end ||= r.end;
  }
  return { docs, end };
}

/** One session, one script: the documents for a command sent the riloe way. */
function riloe(b: Board, command: string, password = 'pw') {
  return exchange(b.session(), [riloeRequest(command, 'admin', password)]);
}

const plugChanges = (events: EmulatorEvent[]) =>
  events.flatMap((e) => (e.type === 'plug' ? [`${e.state}`] : [])).join(' ');

describe('the XML reader', () => {
  it('finds the same tokens however the text is split', () => {
    const text = `<?xml version="1.0"?>\r\n\r\n<RIBCL VERSION="2.0"><LOGIN USER_LOGIN = 'a"b' PASSWORD = "x&amp;y&gt;z"><!-- c --><X A=1/></LOGIN>`;
    const whole = new XmlReader().push(text).filter((t) => t.kind !== 'text');
    const random = seededRandom(7);
    for (let round = 0; round < 50; round++) {
      const reader = new XmlReader();
      const tokens = randomSplit(Buffer.from(text, 'latin1'), random).flatMap((p) =>
        reader.push(Buffer.from(p).toString('latin1')),
      );
      expect(tokens.filter((t) => t.kind !== 'text')).toEqual(whole);
    }
    expect(whole).toEqual([
      { kind: 'declaration' },
      { kind: 'open', name: 'RIBCL', attributes: { VERSION: '2.0' }, selfClosing: false },
      { kind: 'open', name: 'LOGIN', attributes: { USER_LOGIN: 'a"b', PASSWORD: 'x&y>z' }, selfClosing: false },
      { kind: 'ignored' },
      { kind: 'open', name: 'X', attributes: { A: '1' }, selfClosing: true },
      { kind: 'close', name: 'LOGIN' },
    ]);
  });

  it('keeps a ">" inside a quoted value, and waits for the end of a tag cut in two', () => {
    const reader = new XmlReader();
    expect(reader.push('<LOGIN PASSWORD="a>b')).toEqual([]);
    expect(reader.partial).toBe(true);
    expect(reader.push('" USER_LOGIN="u">')).toEqual([
      { kind: 'open', name: 'LOGIN', attributes: { PASSWORD: 'a>b', USER_LOGIN: 'u' }, selfClosing: false },
    ]);
    expect(reader.partial).toBe(false);
  });
});

describe('RIBCL as fence_ilo speaks it (one line at a time, blank lines between)', () => {
  it('answers the bare declaration at once with a whole document carrying the RIBCL version', () => {
    const b = board('ilo2');
    const { docs } = exchange(b.session(), [line('<?xml version="1.0"?>')]);
    expect(docs).toEqual([statusDoc('2.22')]);
    // What fence_ilo then reads (ilo.md §2 step 1).
    expect(docs[0]).toContain('</RIBCL>');
    expect(/<RIBCL VERSION="(.*?)"/i.exec(docs[0] ?? '')?.[1]).toBe('2.22');
  });

  it('answers a declaration split over two arrivals, and only once for the blank line after it', () => {
    const s = board('ilo3').session();
    expect(s.feed('<?xml vers').documents).toEqual([]);
    expect(s.feed('ion="1.0"?>\r\n').documents).toEqual([statusDoc('2.23')]);
    expect(s.feed('\r\n').documents).toEqual([]);
  });

  it('answers GET_FW_VERSION before </LOGIN> arrives, in the layout fence_ilo parses', () => {
    const b = board('ilo3');
    const s = b.session();
    exchange(s, [line('<?xml version="1.0"?>'), line('<RIBCL VERSION="2.0">'), fenceIloLogin()]);
    const { docs, end } = exchange(s, [line('<RIB_INFO MODE="read"><GET_FW_VERSION />')]);
    expect(end).toBe(false);
    expect(docs).toHaveLength(2);
    expect(docs[0]).toBe(statusDoc('2.23'));
    const fw = docs[1] ?? '';
    expect(fw).toBe(
      '<?xml version="1.0"?>\n<RIBCL VERSION="2.23">\n' +
        OK +
        '<GET_FW_VERSION\n' +
        '   FIRMWARE_VERSION = "1.82"\n' +
        '   FIRMWARE_DATE = "Jan 15 2015"\n' +
        '   MANAGEMENT_PROCESSOR = "iLO3"\n' +
        '   LICENSE_TYPE = "iLO 3 Advanced"\n' +
        '   />\n' +
        '</RIBCL>\n',
    );
    // fence_ilo: expect `<GET_FW_VERSION\s*\n`, then `/>`; the attributes are read from what lies between.
    const head = /<GET_FW_VERSION\s*\n/.exec(fw);
    expect(head).not.toBeNull();
    const rest = fw.slice((head?.index ?? 0) + (head?.[0].length ?? 0));
    const between = rest.slice(0, rest.indexOf('/>'));
    expect(Number.parseFloat(/FIRMWARE_VERSION\s*=\s*"(.*?)"/i.exec(between)?.[1] ?? '')).toBe(1.82);
    expect(/MANAGEMENT_PROCESSOR\s*=\s*"(.*?)"/i.exec(between)?.[1]).toBe('iLO3');
    expect(exchange(s, [line('</RIB_INFO>'), line('</LOGIN>')]).docs).toEqual([statusDoc('2.23'), statusDoc('2.23')]);
  });

  it.each([
    ['ilo2', '2.29', 'iLO2'],
    ['ilo4', '2.78', 'iLO4'],
    ['ilo5', '2.72', 'iLO5'],
  ] as const)('reports the %s identity: firmware %s, %s', (model, firmware, processor) => {
    const s = board(model).session();
    const { docs } = exchange(s, [
      line('<RIBCL VERSION="2.0">'),
      fenceIloLogin(),
      line('<RIB_INFO MODE="read"><GET_FW_VERSION />'),
    ]);
    const fw = docs.at(-1) ?? '';
    expect(/FIRMWARE_VERSION\s*=\s*"(.*?)"/.exec(fw)?.[1]).toBe(firmware);
    expect(/MANAGEMENT_PROCESSOR\s*=\s*"(.*?)"/.exec(fw)?.[1]).toBe(processor);
  });

  it('reads the power as HOST_POWER="ON", with no spaces, in the same open RIBCL', () => {
    const b = board('ilo3');
    const s = b.session();
    exchange(s, [line('<?xml version="1.0"?>'), line('<RIBCL VERSION="2.0">'), fenceIloLogin(), line('</LOGIN>')]);
    const { docs, end } = exchange(s, [
      fenceIloLogin(),
      line('<SERVER_INFO MODE = "read"><GET_HOST_POWER_STATUS/>'),
      line('</SERVER_INFO></LOGIN>'),
    ]);
    expect(end).toBe(false);
    expect(docs).toEqual([
      statusDoc('2.23'),
      statusDoc('2.23'),
      powerDoc('2.23', 'ON'),
      statusDoc('2.23'),
      statusDoc('2.23'),
    ]);
    expect(/HOST_POWER="(.*?)"/.exec(docs.join(''))?.[1]).toBe('ON');
  });

  it('refuses a wrong password with 0x005F "Login failed." and ends the session, no firmware data', () => {
    const b = board('ilo3');
    const s = b.session();
    exchange(s, [line('<?xml version="1.0"?>'), line('<RIBCL VERSION="2.0">')]);
    const { docs, end } = exchange(s, [fenceIloLogin('nope'), line('<RIB_INFO MODE="read"><GET_FW_VERSION />')]);
    expect(end).toBe(true);
    expect(docs).toEqual([
      `<?xml version="1.0"?>\n<RIBCL VERSION="2.23">\n<RESPONSE\n    STATUS="0x005F"\n    MESSAGE='Login failed.'\n     />\n</RIBCL>\n`,
    ]);
    expect(b.events).toEqual([{ type: 'login-failed', origin: 'ribcl 127.0.0.1:40000 admin' }]);
    expect(JSON.stringify(b.events)).not.toContain('nope');
  });

  it('takes either quote, spaces around "=", and entities in the credentials', () => {
    const b = board('ilo3');
    b.device.users = [{ name: 'o"neil', password: `a&b<c>d'e` }];
    // Python's quoteattr: single quotes when the value holds a double quote; &, <, > as entities.
    const login = `<LOGIN USER_LOGIN = 'o"neil' PASSWORD = "a&amp;b&lt;c&gt;d'e">`;
    const { docs, end } = exchange(b.session(), [line('<RIBCL VERSION="2.0">'), line(login)]);
    expect(end).toBe(false);
    expect(docs).toEqual([statusDoc('2.23'), statusDoc('2.23')]);
    expect(b.events).toEqual([
      { type: 'login', origin: 'ribcl 127.0.0.1:40000 o"neil', mode: 'admin', user: 'o"neil' },
    ]);
  });

  it('hangs up right after the login with the drop-after-login fault', () => {
    const b = board('ilo3');
    b.device.faults.add('drop-after-login');
    const { docs, end } = exchange(b.session(), [line('<RIBCL VERSION="2.0">'), fenceIloLogin()]);
    expect(end).toBe(true);
    expect(docs).toEqual([statusDoc('2.23')]);
  });
});

describe('RIBCL as riloe sends it (one write: LOCFG, RIBCL 1.2, LOGIN, SERVER_INFO, one command)', () => {
  it('answers GET_HOST_POWER_STATUS with six documents, the power in the fourth, then ends', () => {
    const b = board('ilo2', 'OFF');
    const { docs, end } = riloe(b, '<GET_HOST_POWER_STATUS/>');
    expect(end).toBe(true);
    // The declaration is the script's preamble here: no document of its own.
    expect(docs).toEqual([
      statusDoc('2.22'),
      statusDoc('2.22'),
      statusDoc('2.22'),
      powerDoc('2.22', 'OFF'),
      statusDoc('2.22'),
      statusDoc('2.22'),
    ]);
    for (const doc of docs) expect(Buffer.byteLength(doc)).toBeLessThan(1024);
  });

  it('every document is one whole XML document rooted at RIBCL for Python minidom, as riloe parses it', async () => {
    const python = peer('/usr/bin/python3');
    if (!python.available) return;
    const b = board('ilo2');
    const docs = [...riloe(b, '<GET_HOST_POWER_STATUS/>').docs, ...riloe(b, '<SET_HOST_POWER HOST_POWER="N"/>').docs];
    const script = [
      'import json, sys, xml.dom.minidom',
      'for d in json.load(sys.stdin):',
      '    doc = xml.dom.minidom.parseString(d)',
      '    root = doc.childNodes[0]',
      '    r = root.getElementsByTagName("RESPONSE")[0]',
      '    p = root.getElementsByTagName("GET_HOST_POWER")',
      '    print(root.tagName, r.getAttribute("STATUS"), r.getAttribute("MESSAGE"), p[0].getAttribute("HOST_POWER") if p else "-")',
    ].join('\n');
    const r = await run('/usr/bin/python3', ['-c', script], { input: JSON.stringify(docs) });
    expect(r.stderr).toBe('');
    expect(r.stdout.trim().split('\n')).toEqual([
      'RIBCL 0x0000 No error -',
      'RIBCL 0x0000 No error -',
      'RIBCL 0x0000 No error -',
      'RIBCL 0x0000 No error ON',
      'RIBCL 0x0000 No error -',
      'RIBCL 0x0000 No error -',
      ...Array(6).fill('RIBCL 0x0000 No error -'),
    ]);
  });

  it.each([
    ['Y', 'OFF', 'ON'],
    ['N', 'ON', 'OFF'],
    ['Yes', 'OFF', 'ON'],
    ['No', 'ON', 'OFF'],
    ['on', 'OFF', 'ON'],
    ['off', 'ON', 'OFF'],
  ] as const)('SET_HOST_POWER HOST_POWER="%s" takes the server from %s to %s', (value, from, to) => {
    const b = board('ilo2', from);
    const { docs } = riloe(b, `<SET_HOST_POWER HOST_POWER="${value}"/>`);
    expect(docs[3]).toBe(statusDoc('2.22'));
    expect(b.device.power).toBe(to);
    expect(b.events).toContainEqual({
      type: 'plug',
      plug: 1,
      name: 'node1',
      state: to,
      by: 'ribcl 127.0.0.1:40000 admin',
      user: 'admin',
    });
  });

  it('refuses a wrong password: the status 0x005F riloe reports, then the end', () => {
    const b = board('ilo2');
    const { docs, end } = riloe(b, '<SET_HOST_POWER HOST_POWER="N"/>', 'bad');
    expect(end).toBe(true);
    expect(docs).toHaveLength(2);
    expect(docs[1]).toContain(`STATUS="0x005F"\n    MESSAGE='Login failed.'`);
    expect(b.device.power).toBe('ON');
  });

  it.each(['COLD_BOOT_SERVER', 'RESET_SERVER', 'WARM_BOOT_SERVER'])('%s power-cycles the server', (command) => {
    const b = board('ilo2');
    b.device.transitionSeconds = 2;
    riloe(b, `<${command}/>`);
    b.scheduler.runAll();
    expect(plugChanges(b.events)).toBe('OFF ON');
    expect(b.device.power).toBe('ON');
  });

  it('gives the same documents however the script is split, once the declaration is in', () => {
    const request = riloeRequest('<GET_HOST_POWER_STATUS/>');
    const script = request.slice(request.indexOf('<LOCFG'));
    const whole = exchange(board('ilo3').session(), [request]);
    const random = seededRandom(42);
    for (let round = 0; round < 40; round++) {
      // The first arrival holds the declaration and at least the '<' of what follows it.
      const pieces = randomSplit(Buffer.from(script.slice(1), 'latin1'), random).map((p) =>
        Buffer.from(p).toString('latin1'),
      );
      const split = exchange(board('ilo3').session(), ['<?xml version="1.0" ?>\n<', ...pieces]);
      expect(split).toEqual(whole);
    }
    const byteByByte = exchange(board('ilo3').session(), [`<?xml version="1.0" ?>\n<`, ...script.slice(1).split('')]);
    expect(byteByByte).toEqual(whole);
  });
});

describe('RIBCL as python-hpilo sends it (the declaration in a packet of its own)', () => {
  it('answers with the seven documents of the iLO3 1.82 recording, the power in the fifth', () => {
    // tests/xml/ProLiant BL460c G7 - iLO3 1.82/get_host_power_status: the request and, de-chunked, the reply.
    const request =
      '<RIBCL\n VERSION="2.0"\n>\n<LOGIN\n PASSWORD="pw"\n USER_LOGIN="admin"\n>\n<SERVER_INFO\n MODE="read"\n>\n' +
      '<GET_HOST_POWER_STATUS\n />\n</SERVER_INFO>\n</LOGIN>\n</RIBCL>\n';
    const { docs, end } = exchange(board('ilo3').session(), ['<?xml version="1.0"?>\r\n', request]);
    expect(end).toBe(true);
    const s = statusDoc('2.23');
    expect(docs.join('')).toBe([s, s, s, s, powerDoc('2.23', 'ON'), s, s].join(''));
  });
});

describe('the power commands', () => {
  /** One command in an open fence_ilo-style session; its document. */
  function command(b: Board, text: string): string {
    const s = b.session();
    exchange(s, [line('<RIBCL VERSION="2.0">'), fenceIloLogin(), line('<SERVER_INFO MODE = "write">')]);
    const { docs } = exchange(s, [line(text)]);
    expect(docs).toHaveLength(1);
    return docs[0] ?? '';
  }
  const ok = statusDoc('2.23');

  it('HOLD_PWR_BTN TOGGLE="yes" flips the state, each way', () => {
    const b = board('ilo2');
    expect(command(b, '<HOLD_PWR_BTN TOGGLE="yes" />')).toBe(statusDoc('2.22'));
    expect(b.device.power).toBe('OFF');
    command(b, '<HOLD_PWR_BTN TOGGLE="Yes"/>');
    expect(b.device.power).toBe('ON');
  });

  it('HOLD_PWR_BTN without TOGGLE while on is a forced off', () => {
    const b = board('ilo4');
    expect(command(b, '<HOLD_PWR_BTN/>')).toBe(ok);
    expect(b.device.power).toBe('OFF');
  });

  it('HOLD_PWR_BTN without TOGGLE while off: iLO3 and later answer 0x0054 and leave it off', () => {
    const b = board('ilo3', 'OFF');
    expect(command(b, '<HOLD_PWR_BTN/>')).toBe(
      `<?xml version="1.0"?>\n<RIBCL VERSION="2.23">\n<RESPONSE\n    STATUS="0x0054"\n` +
        `    MESSAGE='Command without TOGGLE="Yes" attribute is ignored when host power is off.'\n     />\n</RIBCL>\n`,
    );
    expect(b.device.power).toBe('OFF');
    expect(b.events.filter((e) => e.type === 'plug')).toEqual([]);
  });

  it('HOLD_PWR_BTN without TOGGLE while off: an iLO2 toggles it on (fence_ilo powers on an iLO2 ≤ 1.29 so)', () => {
    const b = board('ilo2', 'OFF');
    expect(command(b, '<HOLD_PWR_BTN />')).toBe(statusDoc('2.22'));
    expect(b.device.power).toBe('ON');
  });

  it('PRESS_PWR_BTN powers an off server on', () => {
    const b = board('ilo3', 'OFF');
    expect(command(b, '<PRESS_PWR_BTN/>')).toBe(ok);
    expect(b.device.power).toBe('ON');
  });

  it('the state changes only after the transition time, and status reads the old state until then', () => {
    const b = board('ilo3');
    b.device.transitionSeconds = 2;
    const s = b.session();
    exchange(s, [line('<RIBCL VERSION="2.0">'), fenceIloLogin(), line('<SERVER_INFO MODE = "write">')]);
    exchange(s, [line('<HOLD_PWR_BTN/>'), line('</SERVER_INFO></LOGIN>')]);
    const status = () =>
      exchange(s, [
        fenceIloLogin(),
        line('<SERVER_INFO MODE = "read"><GET_HOST_POWER_STATUS/>'),
        line('</SERVER_INFO></LOGIN>'),
      ])
        .docs.join('')
        .match(/HOST_POWER="(.*?)"/)?.[1];
    expect(status()).toBe('ON');
    b.scheduler.advance(1999);
    expect(status()).toBe('ON');
    b.scheduler.advance(1);
    expect(status()).toBe('OFF');
  });

  it('with the stuck-power fault, commands are accepted and nothing changes', () => {
    const b = board('ilo3');
    b.device.faults.add('stuck-power');
    expect(command(b, '<HOLD_PWR_BTN/>')).toBe(ok);
    expect(b.device.power).toBe('ON');
  });

  it('an unknown command answers 0x003C, and the session goes on', () => {
    const b = board('ilo3');
    const s = b.session();
    exchange(s, [line('<RIBCL VERSION="2.0">'), fenceIloLogin(), line('<SERVER_INFO MODE = "read">')]);
    const unknown = exchange(s, [line('<GET_SERVER_FLUX_CAPACITOR/>')]);
    expect(unknown.end).toBe(false);
    expect(unknown.docs).toEqual([
      `<?xml version="1.0"?>\n<RIBCL VERSION="2.23">\n<RESPONSE\n    STATUS="0x003C"\n    MESSAGE='Command not supported.'\n     />\n</RIBCL>\n`,
    ]);
    expect(exchange(s, [line('<GET_HOST_POWER_STATUS/>')]).docs).toEqual([powerDoc('2.23', 'ON')]);
  });

  it('a command with an end tag of its own runs at the end tag', () => {
    const b = board('ilo3');
    const s = b.session();
    exchange(s, [line('<RIBCL VERSION="2.0">'), fenceIloLogin(), line('<SERVER_INFO MODE = "write">')]);
    expect(exchange(s, [line('<SET_HOST_POWER HOST_POWER="No">')]).docs).toEqual([]);
    expect(b.device.power).toBe('ON');
    expect(exchange(s, [line('</SET_HOST_POWER>')]).docs).toEqual([ok]);
    expect(b.device.power).toBe('OFF');
  });
});

describe('broken scripts', () => {
  it.each([
    ['text outside any element', 'hello\r\n'],
    ['a command outside LOGIN', '<RIBCL VERSION="2.0"><GET_HOST_POWER_STATUS/>'],
    ['a close tag that was never opened', '<RIBCL VERSION="2.0"></LOGIN>'],
    ['an element other than RIBCL at the top', '<HELLO/>'],
  ])('%s: a syntax error 0x0001, then the end', (_what, text) => {
    const b = board('ilo3');
    const { docs, end } = exchange(b.session(), [text]);
    expect(end).toBe(true);
    expect(docs.at(-1)).toMatch(/STATUS="0x0001"\n {4}MESSAGE='Syntax error/);
  });

  it('never repeats the request (which holds a password) in a reply or an event', () => {
    const b = board('ilo3');
    const { docs } = exchange(b.session(), [
      '<RIBCL VERSION="2.0"><LOGIN USER_LOGIN="admin" PASSWORD="pw"><GET_HOST_POWER_STATUS/>',
    ]);
    expect(docs.join('')).not.toContain('PASSWORD');
    expect(JSON.stringify(b.events)).not.toContain('"pw"');
  });

  it.each([['PASSWORD="wrong" PASSWORD="pw"'], ['PASSWORD="pw" PASSWORD="pw"'], ["PASSWORD='pw' PASSWORD = 'other'"]])(
    'an attribute given twice (%s) is a syntax error: no login, nothing run, nothing echoed',
    (attrs) => {
      const b = board('ilo3');
      const { docs, end } = exchange(b.session(), [
        `<RIBCL VERSION="2.0"><LOGIN USER_LOGIN="admin" ${attrs}><SERVER_INFO MODE="write"><SET_HOST_POWER HOST_POWER="No"/>`,
      ]);
      expect(end).toBe(true);
      expect(docs.at(-1)).toMatch(/STATUS="0x0001"\n {4}MESSAGE='Syntax error: attribute PASSWORD given twice'/);
      expect(b.events.some((e) => e.type === 'login')).toBe(false);
      expect(b.device.power).toBe('ON');
      expect(docs.join('')).not.toContain('pw');
    },
  );

  it('drops markup that never ends (64 KiB) instead of holding it forever', () => {
    const s = board('ilo3').session();
    const { docs, end } = exchange(s, ['<RIBCL VERSION="', 'x'.repeat(70 * 1024)]);
    expect(end).toBe(true);
    expect(docs.at(-1)).toContain('STATUS="0x0001"');
  });
});

describe('sniffing the first bytes on an --https port', () => {
  it.each([
    ['POST /ribcl HTTP/1.1\r\n', 'http'],
    ['GET /redfish/v1 HTTP/1.1\r\n', 'http'],
    ['PO', 'undecided'],
    ['<?xml version="1.0"?>\r\n', 'ribcl'],
    ['<RIBCL VERSION="2.0"></RIBCL>', 'ribcl'],
    ['POSTER', 'ribcl'],
  ] as const)('%j → %s', (head, verdict) => {
    expect(sniff(Buffer.from(head))).toBe(verdict);
  });
});

describe('the TLS front-end (127.0.0.1, port 0)', () => {
  let dir: string;
  let board: RunningIlo;
  let emulator: IloEmulator;
  let events: Timestamped[] = [];

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fencekit-ilo-'));
    board = await startIlo('127.0.0.1', { model: 'ilo3', https: 0, tls: 0, state: path.join(dir, 'ilo.json') });
    emulator = board.emulator;
    events = board.events;
  });
  afterAll(async () => {
    await emulator?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Send `text` over TLS and read until the board closes (or `until` shows up); bounded by a deadline. */
  function talk(port: number, text: string[], until?: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const c = tls.connect({ host: '127.0.0.1', port, rejectUnauthorized: false }, () => {
        for (const t of text) c.write(t);
      });
      let got = '';
      const timer = setTimeout(() => {
        c.destroy();
        reject(new Error(`no end of reply; got: ${got}`));
      }, 5000);
      const done = () => {
        clearTimeout(timer);
        c.destroy();
        resolve(got);
      };
      c.on('data', (d) => {
        got += d;
        if (until && got.includes(until)) done();
      });
      c.on('end', done);
      c.on('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
    });
  }

  it('keeps the certificate beside the state file, naming the listen address and localhost', () => {
    const cert = emulator.certificate;
    expect(cert?.certFile).toBe(path.join(dir, 'ilo.json.tls-cert.pem'));
    const x509 = new X509Certificate(fs.readFileSync(cert?.certFile ?? '', 'utf8'));
    expect(x509.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(x509.checkHost('localhost')).toBe('localhost');
    expect(fs.statSync(cert?.keyFile ?? '').mode & 0o777).toBe(0o600);
  });

  it('raw port: a one-shot script is answered and the connection closed', async () => {
    const reply = await talk(emulator.tls?.address.port ?? 0, [riloeRequest('<GET_HOST_POWER_STATUS/>')]);
    expect(reply).toBe(
      [
        statusDoc('2.23'),
        statusDoc('2.23'),
        statusDoc('2.23'),
        powerDoc('2.23', 'ON'),
        statusDoc('2.23'),
        statusDoc('2.23'),
      ].join(''),
    );
  });

  it('sniffing port: raw RIBCL still works, and an HTTP request goes to the HTTP side', async () => {
    const port = emulator.https?.address.port ?? 0;
    const raw = await talk(port, [riloeRequest('<GET_HOST_POWER_STATUS/>')]);
    expect(raw).toContain('HOST_POWER="ON"');
    const web = await talk(port, ['GET /nothing-here HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'], '\r\n\r\n');
    expect(web).toMatch(/^HTTP\/1\.1 \d{3} /);
  });

  it('a failed handshake is a "refused" event, and the board keeps serving', async () => {
    const port = emulator.tls?.address.port ?? 0;
    const from = events.length;
    // Plain text where a TLS ClientHello belongs.
    await new Promise<void>((resolve) => {
      const c = net.connect({ host: '127.0.0.1', port }, () => c.write('<?xml version="1.0"?>\r\n'));
      c.on('error', () => {});
      c.on('close', () => resolve());
      setTimeout(() => c.destroy(), 3000);
    });
    // A client with no cipher in common: the handshake fails inside TLS. (Node's own
    // certificate check comes only after a TLS 1.2 handshake has completed, so an
    // untrusting Node client would not make the board see a failure at all.)
    await new Promise<void>((resolve) => {
      const c = tls.connect({ host: '127.0.0.1', port, maxVersion: 'TLSv1.2', ciphers: 'PSK-AES128-CBC-SHA' });
      c.on('error', () => resolve());
      c.on('secureConnect', () => resolve());
    });
    await untilEvent(board, (e) => e.type === 'refused', {
      since: from,
      count: 2,
      what: 'two refused handshakes',
    }).catch(() => {});
    const refused = events.slice(from).filter((e) => e.type === 'refused');
    expect(refused).toHaveLength(2);
    for (const e of refused)
      expect(e).toMatchObject({
        origin: expect.stringMatching(/^ribcl 127\.0\.0\.1:\d+$/),
        reason: expect.stringMatching(/^TLS handshake failed/),
      });
    const reply = await talk(port, [riloeRequest('<GET_HOST_POWER_STATUS/>')]);
    expect(reply).toContain('HOST_POWER="ON"');
  });

  it('keeps a fence_ilo-style session open across logins, answering each line as it comes', async () => {
    const port = emulator.tls?.address.port ?? 0;
    const c = tls.connect({ host: '127.0.0.1', port, rejectUnauthorized: false });
    let got = '';
    let ended = false;
    c.on('data', (d) => {
      got += d;
    });
    c.on('end', () => {
      ended = true;
    });
    c.on('error', () => {});
    const docs = () => got.split('<?xml').length - 1;
    const waitForDocs = async (n: number) => {
      await waitFor(() => docs() >= n || ended, { what: `${n} documents` }).catch(() => {});
      expect(docs()).toBe(n);
    };
    try {
      await new Promise((r) => c.once('secureConnect', r));
      c.write(line('<?xml version="1.0"?>'));
      await waitForDocs(1);
      c.write(
        line('<RIBCL VERSION="2.0">') + fenceIloLogin() + line('<SERVER_INFO MODE = "read"><GET_HOST_POWER_STATUS/>'),
      );
      await waitForDocs(5);
      c.write(line('</SERVER_INFO></LOGIN>'));
      await waitForDocs(7);
      // Still open: a second LOGIN in the same RIBCL is answered.
      c.write(fenceIloLogin() + line('<SERVER_INFO MODE = "read"><GET_HOST_POWER_STATUS/>'));
      await waitForDocs(10);
      expect(ended).toBe(false);
      expect(got.match(/HOST_POWER="ON"/g)).toHaveLength(2);
    } finally {
      c.destroy();
    }
  });
});
