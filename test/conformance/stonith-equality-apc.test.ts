import dgram from 'node:dgram';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApcEmulator } from '../../emulator/apc-emulator.js';
import type { EmulatorConfig } from '../../emulator/config.js';
import { EventBus, type Timestamped } from '../../emulator/events.js';
import { peer } from '../helpers/run.js';
import {
  bindTcp,
  expectedHelp,
  expectSameLog,
  expectSameRun,
  LanePool,
  lanePairs,
  logLines,
  type Mode,
  type Outcome,
  plugChanges,
  runBoth,
  runOurs,
  runReal,
  STONITH,
  sides,
} from '../helpers/stonith-equality.js';
import { waitFor } from '../helpers/wait.js';

/**
 * OUTPUT EQUALITY for the APC types: the real cluster-glue `stonith` 1.0.12
 * and `fencekit-stonith`, run with the same arguments against the same
 * emulator state, must print the same stdout and stderr and exit with the
 * same status, off a terminal (a plain run: stdin is a pipe, so the real one
 * logs to syslog and its stderr stays empty) and on one (`script`, which
 * merges stderr into stdout: the log lines then appear in order with the
 * output). After a device case both emulators must hold the same outlet
 * states and have seen the same outlet changes in the same order.
 *
 * - `apcmaster` (telnet, port 23 only): the AP9211 MasterSwitch personality
 *   (`apc-masterswitch`), which takes two sessions at once as apcmaster's
 *   on/off needs. The plugin waits for a telnet client's
 *   `Escape character is '^]'.` before the login prompt, a line the card
 *   never prints: these cards run with the emulator's opt-in
 *   `telnetClientGreeting`, the setup the plugin was written for (a telnet
 *   client or terminal server in between). One case runs without it;
 * - `apcmastersnmp` (SNMPv1, UDP 161 only, whatever `port` says): the Rack
 *   PDU (`apc-rackpdu`), which reports the Rack PDU identity and AP7930.
 *
 * How a device case runs: two fresh, identical emulators on a lane of two
 * addresses (127.0.0.201–218; 127.0.0.200 is `npm run bench`'s), the real
 * binary against the first, ours against the second, at the same time. A
 * fresh pair per case means a session the real apcmaster leaks (it does not
 * log out after "doesn't control host", nor after a failed login, and leaves
 * its first session open during on/off) can never reach into the next case.
 *
 * Normalisations, all applied before comparing, and why:
 * - the program name: the real binary is run as `stonith` (through PATH);
 *   ours runs as `node …/fencekit-stonith.js` and says "fencekit-stonith" in
 *   its usage, mapped back here;
 * - the address: ours talks to the second emulator of the lane; its address
 *   is mapped to the first's (it appears in "doesn't control host" lines);
 * - a wrong password and -d: see those cases. Nothing else: no PID, time or
 *   other per-run text appears in these outputs.
 * The harness (lanes, running both sides, the first two normalisations) is
 * test/helpers/stonith-equality.ts.
 */
const available =
  peer(STONITH).available &&
  peer('/usr/lib/stonith/plugins/stonith2/apcmaster.so').available &&
  peer('/usr/lib/stonith/plugins/stonith2/apcmastersnmp.so').available;

type Kind = 'apcmaster' | 'apcmastersnmp';
/** An emulator's settings, less its addresses. */
type Device = {
  kind: Kind;
  config: Omit<EmulatorConfig, 'listen' | 'snmp'> & { model: 'apc-masterswitch' | 'apc-rackpdu' };
};

const LOGIN = 'apc';
const PASSWORD = 'mast3r';
/** pete 1, mclaws 3, web1 5 (off at start); 0.2 s boot delays keep Immediate Reboot short. */
const MASTERSWITCH: Device = {
  kind: 'apcmaster',
  config: {
    model: 'apc-masterswitch',
    telnetClientGreeting: true,
    username: LOGIN,
    password: PASSWORD,
    role: 'admin',
    bootDelay: 0.2,
    plugs: [
      { number: 1, name: 'Pete' },
      { number: 3, name: 'mclaws' },
      { number: 5, name: 'web1', default: 'OFF' },
    ],
  },
};
/** Names as apcmaster reads them (`%23c`): one longer than 23 characters, one all digits. */
const MASTERSWITCH_ODD_NAMES: Device = {
  ...MASTERSWITCH,
  config: {
    ...MASTERSWITCH.config,
    plugs: [
      ...(MASTERSWITCH.config.plugs ?? []),
      { number: 6, name: 'averyveryverylongnodename01' },
      { number: 7, name: '3' },
    ],
  },
};
/** One name on two outlets: apcmaster and fencekit-stonith part ways here (see that case). */
const MASTERSWITCH_TWIN: Device = {
  ...MASTERSWITCH,
  config: { ...MASTERSWITCH.config, plugs: [...(MASTERSWITCH.config.plugs ?? []), { number: 6, name: 'pete' }] },
};

/**
 * node1 on outlets 1 and 3 (spelled node1 and NODE1), Node2 on 2, web 5 (off
 * at start), outlets 4, 6–8 unnamed ("Outlet N"). Boot delays of 2 s: the real
 * plugin polls for 2 × the reboot duration the card reports, in whole
 * seconds, so a 2 s duration leaves it 2 s of margin after the outlet is back.
 */
const RACK_PDU: Device = {
  kind: 'apcmastersnmp',
  config: {
    model: 'apc-rackpdu',
    outlets: 8,
    bootDelay: 2,
    plugs: [
      { number: 1, name: 'node1' },
      { number: 2, name: 'Node2' },
      { number: 3, name: 'NODE1' },
      { number: 5, name: 'web', default: 'OFF' },
    ],
  },
};

/** A relay that takes the command and never moves. */
const RACK_PDU_STUCK: Device = { ...RACK_PDU, config: { ...RACK_PDU.config, faults: ['stuck-relay'] } };

/** Lanes of two addresses, the real binary's emulator then ours: 127.0.0.201/202 … 217/218. */
const lanes = new LanePool(lanePairs(201, 9));
/** The extension case's emulator listens on port 0 here. */
const EXTENSION_HOST = '127.0.0.219';

interface Running {
  emulator: ApcEmulator;
  events: Timestamped[];
}

async function startApc(device: Device, host: string): Promise<Running> {
  const bus = new EventBus(500);
  const events: Timestamped[] = [];
  bus.subscribe((e) => events.push(e));
  const addresses =
    device.kind === 'apcmaster' ? { listen: `${host}:23`, snmp: null } : { listen: null, snmp: `${host}:161` };
  const emulator = await ApcEmulator.start({ bus, config: { ...device.config, ...addresses } });
  return { emulator, events };
}

const outletStates = (r: Running) =>
  r.emulator.device.bank
    .all()
    .map((o) => o.state)
    .join(' ');

/**
 * Wait (bounded) until no outlet has a step still to run: the real
 * apcmaster's Immediate Reboot brings the outlet back after the process has ended.
 */
async function settled(r: Running): Promise<void> {
  const { bank } = r.emulator.device;
  const busy = () => bank.all().some((o) => bank.pending(o.number) || r.emulator.device.hasLater(o.number));
  await waitFor(() => !busy(), { what: 'the emulator settled' });
}

/** -F files, written per emulator address. */
let dir = '';
function file(name: string, text: string): string {
  const p = path.join(dir, name);
  fs.writeFileSync(p, text);
  return p;
}

interface Case {
  name: string;
  /** Arguments for a device at `host`. */
  args: (host: string) => string[];
  env?: (host: string) => Record<string, string>;
  /** The emulators to start; 'none-tcp' / 'none-udp': a lane with nothing on port 23 / 161; absent: no device. */
  device?: Device | 'none-tcp' | 'none-udp';
  /** What the real binary is known to exit with: a check that the case tests what it says. */
  code: number;
  timeoutMs?: number;
}

const M = (h: string) => ['-t', 'apcmaster', `ipaddr=${h}`, `login=${LOGIN}`, `password=${PASSWORD}`];
const N = (h: string, community = 'private') => [
  '-t',
  'apcmastersnmp',
  `ipaddr=${h}`,
  'port=161',
  `community=${community}`,
];

/** Cases that need no device: the types' texts, parameters and configuration checks. */
const OFFLINE: Case[] = [
  { name: 'apcmaster -n', args: () => ['-t', 'apcmaster', '-n'], code: 0 },
  { name: 'apcmaster -m', args: () => ['-t', 'apcmaster', '-m'], code: 0 },
  { name: 'apcmaster -n wins over -m', args: () => ['-t', 'apcmaster', '-m', '-n'], code: 0 },
  { name: '-h -t apcmaster', args: () => ['-h', '-t', 'apcmaster'], code: 0 },
  { name: 'apcmaster without parameters', args: () => ['-t', 'apcmaster', '-S'], code: 1 },
  {
    name: 'apcmaster name=value without a password: the valid names',
    args: (h) => ['-t', 'apcmaster', `ipaddr=${h}`, `login=${LOGIN}`, '-S'],
    code: 3,
  },
  { name: 'apcmaster -p with two values of three', args: (h) => ['-t', 'apcmaster', '-p', `${h} apc`, '-S'], code: 1 },
  { name: 'apcmaster -E without the variables: -l', args: () => ['-t', 'apcmaster', '-E', '-l'], code: 255 },
  { name: 'apcmastersnmp -n', args: () => ['-t', 'apcmastersnmp', '-n'], code: 0 },
  { name: 'apcmastersnmp -m', args: () => ['-t', 'apcmastersnmp', '-m'], code: 0 },
  { name: '-h -t apcmastersnmp', args: () => ['-h', '-t', 'apcmastersnmp'], code: 0 },
  {
    name: 'apcmastersnmp name=value without a community: the valid names',
    args: (h) => ['-t', 'apcmastersnmp', `ipaddr=${h}`, 'port=161', '-l'],
    code: 3,
  },
  {
    name: 'apcmastersnmp ipaddr=HOST:PORT is refused (gethostbyname cannot resolve it): exit 1',
    args: (h) => [...N(`${h}:161`), '-S'],
    code: 1,
  },
  {
    name: 'apcmastersnmp with an IPv6 address (gethostbyname knows IPv4 only)',
    args: () => [...N('::1'), '-l'],
    code: 1,
  },
  { name: 'apcmastersnmp with an empty ipaddr', args: () => [...N(''), '-S'], code: 1 },
  {
    name: 'apcmastersnmp -p with an unresolvable host: unconfigured, -S exits 3',
    args: (h) => ['-t', 'apcmastersnmp', '-p', `${h}:161 161 private`, '-S'],
    code: 3,
  },
  {
    name: 'apcmastersnmp -p with an unresolvable host: -l exits 255',
    args: (h) => ['-t', 'apcmastersnmp', '-p', `${h}:161 161 private`, '-l'],
    code: 255,
  },
  {
    name: 'apcmastersnmp -F with an unresolvable host: exit 1',
    args: (h) => ['-t', 'apcmastersnmp', '-F', file('unresolvable.conf', `${h}:161 161 private\n`), '-S'],
    code: 1,
  },
];

/** Cases against the AP9211 MasterSwitch (apcmaster) and the Rack PDU (apcmastersnmp). */
const ONLINE: Case[] = [
  // apcmaster
  { name: 'apcmaster -S', args: (h) => [...M(h), '-S'], device: MASTERSWITCH, code: 0 },
  { name: 'apcmaster -l: every outlet, lowercased', args: (h) => [...M(h), '-l'], device: MASTERSWITCH, code: 0 },
  { name: 'apcmaster -s -S', args: (h) => [...M(h), '-s', '-S'], device: MASTERSWITCH, code: 0 },
  { name: 'apcmaster -c 2 -S -l', args: (h) => [...M(h), '-c', '2', '-S', '-l'], device: MASTERSWITCH, code: 0 },
  { name: 'apcmaster -T reset', args: (h) => [...M(h), '-T', 'reset', 'mclaws'], device: MASTERSWITCH, code: 0 },
  {
    name: 'apcmaster -T reset of an outlet that is off',
    args: (h) => [...M(h), '-T', 'reset', 'web1'],
    device: MASTERSWITCH,
    code: 0,
  },
  {
    name: 'apcmaster -T on (the outlet was off)',
    args: (h) => [...M(h), '-T', 'on', 'web1'],
    device: MASTERSWITCH,
    code: 0,
  },
  {
    name: 'apcmaster -T off, nodename lowercased',
    args: (h) => [...M(h), '-T', 'off', 'PETE'],
    device: MASTERSWITCH,
    code: 0,
  },
  {
    name: 'apcmaster -T on an outlet already on',
    args: (h) => [...M(h), '-T', 'on', 'pete'],
    device: MASTERSWITCH,
    code: 0,
  },
  { name: 'apcmaster bare nodename: reset', args: (h) => [...M(h), 'pete'], device: MASTERSWITCH, code: 0 },
  {
    name: 'apcmaster -S with a nodename: status, then reset',
    args: (h) => [...M(h), '-S', 'mclaws'],
    device: MASTERSWITCH,
    code: 0,
  },
  {
    name: 'apcmaster unknown host: exit 4',
    args: (h) => [...M(h), '-T', 'off', 'nosuchnode'],
    device: MASTERSWITCH,
    code: 4,
  },
  {
    name: 'apcmaster -l: names cut at 23 characters, a numeric name',
    args: (h) => [...M(h), '-l'],
    device: MASTERSWITCH_ODD_NAMES,
    code: 0,
  },
  {
    name: 'apcmaster names compare on 23 characters: the full name matches nothing',
    args: (h) => [...M(h), '-T', 'off', 'averyveryverylongnodename01'],
    device: MASTERSWITCH_ODD_NAMES,
    code: 4,
  },
  {
    name: 'apcmaster names compare on 23 characters: the cut name matches',
    args: (h) => [...M(h), '-T', 'off', 'averyveryverylongnodena'],
    device: MASTERSWITCH_ODD_NAMES,
    code: 0,
  },
  {
    name: 'apcmaster an all-digit nodename is a name, not an outlet number',
    args: (h) => [...M(h), '-T', 'off', '3'],
    device: MASTERSWITCH_ODD_NAMES,
    code: 0,
  },
  {
    name: 'apcmaster -p',
    args: (h) => ['-t', 'apcmaster', '-p', `${h} ${LOGIN} ${PASSWORD}`, '-l'],
    device: MASTERSWITCH,
    code: 0,
  },
  {
    name: 'apcmaster -F, -T off',
    args: (h) => [
      '-t',
      'apcmaster',
      '-F',
      file(`apcmaster-${h}.conf`, `# MasterSwitch\n${h} ${LOGIN} ${PASSWORD}\n`),
      '-T',
      'off',
      'mclaws',
    ],
    device: MASTERSWITCH,
    code: 0,
  },
  {
    name: 'apcmaster -E',
    args: () => ['-t', 'apcmaster', '-E', '-S'],
    env: (h) => ({ ipaddr: h, login: LOGIN, password: PASSWORD }),
    device: MASTERSWITCH,
    code: 0,
  },
  // apcmastersnmp
  { name: 'apcmastersnmp -S', args: (h) => [...N(h), '-S'], device: RACK_PDU, code: 0 },
  { name: 'apcmastersnmp -l: names lowercased, each once', args: (h) => [...N(h), '-l'], device: RACK_PDU, code: 0 },
  { name: 'apcmastersnmp -s -S', args: (h) => [...N(h), '-s', '-S'], device: RACK_PDU, code: 0 },
  { name: 'apcmastersnmp -T reset', args: (h) => [...N(h), '-T', 'reset', 'node2'], device: RACK_PDU, code: 0 },
  {
    name: 'apcmastersnmp -T off of a host on two outlets, nodename lowercased',
    args: (h) => [...N(h), '-T', 'off', 'NODE1'],
    device: RACK_PDU,
    code: 0,
  },
  {
    name: 'apcmastersnmp -T on (the outlet was off)',
    args: (h) => [...N(h), '-T', 'on', 'web'],
    device: RACK_PDU,
    code: 0,
  },
  {
    name: 'apcmastersnmp -T on outlets already on',
    args: (h) => [...N(h), '-T', 'on', 'node1'],
    device: RACK_PDU,
    code: 0,
  },
  { name: 'apcmastersnmp bare nodename: reset', args: (h) => [...N(h), 'node1'], device: RACK_PDU, code: 0 },
  {
    name: 'apcmastersnmp -S with a nodename: status, then reset',
    args: (h) => [...N(h), '-S', 'node2'],
    device: RACK_PDU,
    code: 0,
  },
  {
    name: 'apcmastersnmp unknown host: exit 4',
    args: (h) => [...N(h), '-T', 'reset', 'nosuchnode'],
    device: RACK_PDU,
    code: 4,
  },
  {
    name: 'apcmastersnmp ignores port: port=1161 still talks to UDP 161',
    args: (h) => ['-t', 'apcmastersnmp', `ipaddr=${h}`, 'port=1161', 'community=private', '-l'],
    device: RACK_PDU,
    code: 0,
  },
  {
    name: 'apcmastersnmp the read community: -l works',
    args: (h) => [...N(h, 'public'), '-l'],
    device: RACK_PDU,
    code: 0,
  },
  {
    name: 'apcmastersnmp the read community: the SET is refused (noSuchName), exit 2',
    args: (h) => [...N(h, 'public'), '-T', 'off', 'node2'],
    device: RACK_PDU,
    code: 2,
  },
  {
    // The real one polls for 2 × the reboot duration (4 s), ours reads back for its 30 s budget: no time is compared.
    name: 'apcmastersnmp a stuck relay: the outlet never reads off, exit 5',
    args: (h) => [...N(h), '-T', 'off', 'node2'],
    device: RACK_PDU_STUCK,
    code: 5,
    timeoutMs: 60_000,
  },
  {
    name: 'apcmastersnmp a wrong community gets no answer: configuration fails, exit 2',
    args: (h) => [...N(h, 'wrong'), '-S'],
    device: RACK_PDU,
    code: 2,
  },
  {
    name: 'apcmastersnmp -p with a wrong community: unconfigured, -S exits 3',
    args: (h) => ['-t', 'apcmastersnmp', '-p', `${h} 161 wrong`, '-S'],
    device: RACK_PDU,
    code: 3,
  },
  {
    name: 'apcmastersnmp nothing answering on UDP 161: exit 2',
    args: (h) => [...N(h), '-l'],
    device: 'none-udp',
    code: 2,
  },
  {
    name: 'apcmastersnmp -p',
    args: (h) => ['-t', 'apcmastersnmp', '-p', `${h} 161 private`, '-T', 'off', 'node2'],
    device: RACK_PDU,
    code: 0,
  },
  {
    name: 'apcmastersnmp -E',
    args: () => ['-t', 'apcmastersnmp', '-E', '-l'],
    env: (h) => ({ ipaddr: h, port: '161', community: 'private' }),
    device: RACK_PDU,
    code: 0,
  },
];

function bindUdp(host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = dgram.createSocket('udp4');
    socket.once('error', (err) => {
      socket.close();
      reject(err);
    });
    socket.bind(port, host, () => socket.close(() => resolve()));
  });
}

/** A lane, and emulators on it unless the case says there is nothing listening. */
async function both(c: Case, mode: Mode): Promise<Outcome> {
  const timeoutMs = c.timeoutMs ?? 30_000;
  const invocation = (host: string) => ({ args: c.args(host), env: c.env?.(host) });
  const { device } = c;
  if (!device) return runBoth(invocation, mode, timeoutMs);
  return lanes.withLane(
    async (host) => {
      // Nothing may listen there: prove it by binding the port ourselves for a moment.
      if (device === 'none-tcp') await bindTcp(host, 23);
      else if (device === 'none-udp') await bindUdp(host, 161);
      else return startApc(device, host);
      return undefined;
    },
    (r) => r.emulator.stop(),
    async (lane, [a, b]) => {
      if (a && b && outletStates(a) !== outletStates(b)) throw new Error('the two emulators differ at start');
      const r = await runBoth(invocation, mode, timeoutMs, { lane });
      if (a && b) await Promise.all([settled(a), settled(b)]);
      return { ...r, states: sides(a, b, outletStates), changes: sides(a, b, (e) => plugChanges(e.events)) };
    },
  );
}

describe.skipIf(!available)('fencekit-stonith prints what stonith 1.0.12 prints (apcmaster, apcmastersnmp)', () => {
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stonith-equality-apc-'));
  });
  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  // The slow cases first (the real apcmaster's 20 login attempts take ~20 s): they hold lanes while
  // everything else runs beside them.

  /**
   * A wrong password. Both log the card's refusal, give up and report the
   * device not accessible (or the list unreadable). The real plugin then
   * retries 19 more times (~20 s) without closing its earlier connections:
   * the card takes two sessions at once, so its second attempt is refused
   * too ("Invalid password" again) and the 18 after it are turned away
   * before a word ("Did not find string Escape character is '^]'.",
   * "Received []"). Those lines are artefacts of its leak, not of the card's
   * answer; fencekit-stonith does not retry a password the card has refused.
   * They are removed from the real output before comparing (the repeated
   * "Invalid password" line is kept once); everything else must be equal.
   */
  const LEAKED =
    /CRIT: Did not find string Escape character is '\^\]'\. from APC MasterSwitch\.\r?\nCRIT: Received \[\]\r?\n/g;
  const REFUSED_AGAIN =
    /(CRIT: Invalid password for APC MasterSwitch\.\r?\n)(?:CRIT: Invalid password for APC MasterSwitch\.\r?\n)+/g;
  const withoutLeak = (text: string) => text.replace(LEAKED, '').replace(REFUSED_AGAIN, '$1');
  const wrong = (h: string) => ['-t', 'apcmaster', `ipaddr=${h}`, `login=${LOGIN}`, 'password=wrong'];
  const WRONG: { mode: Mode; action: string[]; code: number }[] = [
    { mode: 'pipe', action: ['-S'], code: 1 },
    { mode: 'tty', action: ['-S'], code: 1 },
    { mode: 'tty', action: ['-l'], code: 255 },
  ];
  for (const { mode, action, code } of WRONG) {
    it.concurrent(`apcmaster a wrong password, ${action.join(' ')} (${mode}): refused, exit ${code}, nothing switched`, {
      timeout: 120_000,
    }, async ({ expect }) => {
      const r = await both(
        {
          name: 'wrong password',
          args: (h) => [...wrong(h), ...action],
          device: MASTERSWITCH,
          code,
          timeoutMs: 100_000,
        },
        mode,
      );
      expect(r.real.code).toBe(code);
      expect(r.ours.code).toBe(code);
      expect(r.ours.stdout).toBe(withoutLeak(r.real.stdout));
      expect(r.ours.stderr).toBe(r.real.stderr);
      if (mode === 'tty') {
        expect(r.ours.stdout.split('\r\n').slice(0, 2)).toEqual([
          'CRIT: Invalid password for APC MasterSwitch.',
          'CRIT: Cannot log into APC MasterSwitch.',
        ]);
      }
      expect(r.changes?.ours).toEqual([]);
      expect(r.changes?.real).toEqual([]);
    });
  }

  it.concurrent('apcmaster a wrong password, -T off (tty): exit 2 (S_ACCESS), nothing switched', {
    timeout: 120_000,
  }, async ({ expect }) => {
    const r = await both(
      {
        name: 'wrong password -T',
        args: (h) => [...wrong(h), '-T', 'off', 'pete'],
        device: MASTERSWITCH,
        code: 2,
        timeoutMs: 100_000,
      },
      'tty',
    );
    // stonith-cli.md §6: -T exits 2 when the last login attempt saw an invalid password. Ours stops at that
    // attempt: 2. The real one's last attempt is turned away by the card (its own earlier sessions still hold
    // it), so it exits 8.
    expect(r.ours.code).toBe(2);
    expect([2, 8]).toContain(r.real.code);
    expect(r.ours.stdout).toBe(
      'CRIT: Invalid password for APC MasterSwitch.\r\nCRIT: Cannot log into APC MasterSwitch.\r\n',
    );
    expect(withoutLeak(r.real.stdout)).toBe(r.ours.stdout);
    expect(r.changes?.ours).toEqual([]);
    expect(r.changes?.real).toEqual([]);
  });

  it.concurrent('apcmaster nothing listening: 20 refused connects (perror, on stderr whatever stdin is), then not accessible', {
    timeout: 120_000,
  }, async ({ expect }) => {
    const r = await both(
      { name: 'refused', args: (h) => [...M(h), '-S'], device: 'none-tcp', code: 1, timeoutMs: 100_000 },
      'tty',
    );
    expect(r.real.code).toBe(1);
    expect(r.ours.code).toBe(1);
    expect(r.ours.stdout).toBe(r.real.stdout);
    expect(r.ours.stdout).toBe(
      `${'connect() failed: Connection refused\r\n'.repeat(20)}CRIT: Cannot log into APC MasterSwitch.\r\nERROR: apcmaster device not accessible.\r\n`,
    );
  });

  it.concurrent('apcmaster nothing listening, -T off (pipe): perror lines on stderr, exit 8', {
    timeout: 120_000,
  }, async ({ expect }) => {
    const r = await both(
      {
        name: 'refused -T',
        args: (h) => [...M(h), '-T', 'off', 'pete'],
        device: 'none-tcp',
        code: 8,
        timeoutMs: 100_000,
      },
      'pipe',
    );
    expect(r.real.code).toBe(8);
    expect(r.ours.code).toBe(8);
    expect(r.ours.stdout).toBe(r.real.stdout);
    expect(r.ours.stderr).toBe(r.real.stderr);
    expect(r.ours.stderr).toBe('connect() failed: Connection refused\n'.repeat(20));
  });

  for (const mode of ['pipe', 'tty'] as Mode[]) {
    for (const c of [...OFFLINE, ...ONLINE]) {
      it.concurrent(`${c.name} (${mode})`, { timeout: 90_000 }, async ({ expect }) => {
        expectSameRun(expect, await both(c, mode), c.code);
      });
    }
  }

  // The emulated Rack PDU is an AP7930, off the plugin's tested list: both warn, word for word.
  it.concurrent('apcmastersnmp -S (tty): both warn that the AP7930 is untested, then say the device is OK', async ({
    expect,
  }) => {
    const r = await both({ name: 'untested', args: (h) => [...N(h), '-S'], device: RACK_PDU, code: 0 }, 'tty');
    expect(r.real.code).toBe(0);
    expect(r.ours.code).toBe(0);
    expect(r.real.stdout).toBe(
      "WARN: apcmastersnmp_status: module not tested with this hardware 'AP7930'.\r\ninfo: apcmastersnmp device OK.\r\n",
    );
    expect(r.ours.stdout).toBe(r.real.stdout);
  });

  /**
   * A bare AP9211, no telnet client in between: the card never prints
   * `Escape character is '^]'.`, so the real apcmaster waits 10 s for it on
   * each login attempt, reports what it got instead, and gives up after 20
   * attempts: exit 1. fencekit-stonith answers the card's own `User Name :`
   * and works (docs/stonith.md §3, a deliberate difference).
   */
  it.concurrent('apcmaster -S against a bare card: the real never logs in (exit 1), ours does (exit 0)', {
    timeout: 120_000,
  }, async ({ expect }) => {
    const bare: Device = { ...MASTERSWITCH, config: { ...MASTERSWITCH.config, telnetClientGreeting: false } };
    const r = await both(
      { name: 'bare', args: (h) => [...M(h), '-S'], device: bare, code: 1, timeoutMs: 100_000 },
      'tty',
    );
    expect(r.real.code).toBe(1);
    const missed = r.real.stdout
      .split('\r\n')
      .filter((l) => l === "CRIT: Did not find string Escape character is '^]'. from APC MasterSwitch.");
    expect(missed).toHaveLength(20);
    expect(
      r.real.stdout.endsWith('CRIT: Cannot log into APC MasterSwitch.\r\nERROR: apcmaster device not accessible.\r\n'),
    ).toBe(true);
    expect(r.ours.code).toBe(0);
    expect(r.ours.stdout).toBe('info: Successful login to APC MasterSwitch.\r\ninfo: apcmaster device OK.\r\n');
  });

  /**
   * One name on two outlets. apcmaster keeps the last outlet of that name it
   * sees (among the first eight rows) and switches that one only; a node on
   * two power supplies would stay up. fencekit-stonith switches every outlet
   * of that name, as it does for wti_nps (docs/stonith.md §3). The log line
   * names the outlets switched.
   */
  it.concurrent('apcmaster a name on two outlets: the real switches the last one, ours both', async ({ expect }) => {
    const r = await both(
      { name: 'twin', args: (h) => [...M(h), '-T', 'off', 'pete'], device: MASTERSWITCH_TWIN, code: 0 },
      'tty',
    );
    expect(r.real.code).toBe(0);
    expect(r.ours.code).toBe(0);
    const login = 'info: Successful login to APC MasterSwitch.\r\n';
    expect(r.real.stdout).toBe(`${login}${login}info: Power to MS outlet(s) 6 turned 2\r\r\n`);
    expect(r.ours.stdout).toBe(`${login}${login}info: Power to MS outlet(s) 1 6 turned 2\r\r\n`);
    expect(r.changes?.real).toEqual(['6:OFF']);
    expect(r.changes?.ours).toEqual(['1:OFF', '6:OFF']);
  });

  /**
   * An AP9211 MasterSwitch over SNMP. The plugin reads the Rack PDU's outlet
   * count (`.318.1.1.12.1.8.0`) before any action, which this card does not
   * have: configuration fails, exit 2, and the drop-in fails the same way.
   */
  it.concurrent('apcmastersnmp against an AP9211: both fail configuration alike (exit 2)', async ({ expect }) => {
    const ap9211: Device = {
      kind: 'apcmastersnmp',
      config: { model: 'apc-masterswitch', plugs: [{ number: 2, name: 'db' }] },
    };
    const r = await both({ name: 'ap9211', args: (h) => [...N(h), '-S', '-l'], device: ap9211, code: 2 }, 'tty');
    expect(r.real.code).toBe(2);
    expect(r.real.stdout).toContain('CRIT: apcmastersnmp_set_config: cannot read number of outlets.\r\n');
    expect(r.ours.code).toBe(2);
    expect(r.ours.stdout).toBe(r.real.stdout);
  });

  /**
   * -d. Exit status and stdout must be equal; the debug lines themselves
   * differ and are not compared: the real plugins trace their C functions
   * and (apcmaster) every byte of their dialogue, the password in clear
   * (`Sending [mast3r]`); ours traces the library's dialogue with the
   * password masked. The other log lines must be the same, in the same order.
   */
  const DEBUG: { mode: Mode; args: (h: string) => string[]; device: Device }[] = [
    { mode: 'tty', args: (h) => [...M(h), '-d', '-T', 'off', 'mclaws'], device: MASTERSWITCH },
    { mode: 'pipe', args: (h) => [...M(h), '-d', '-l'], device: MASTERSWITCH },
    { mode: 'tty', args: (h) => [...N(h), '-d', '-S', '-l'], device: RACK_PDU },
  ];
  for (const { mode, args, device } of DEBUG) {
    it.concurrent(`${args('h').slice(1, 2)} ${args('h').slice(5).join(' ')} (${mode}): same exit status, output and log lines`, {
      timeout: 60_000,
    }, async ({ expect }) => {
      const r = await both({ name: '-d', args, device, code: 0 }, mode);
      const lines = logLines;
      const { real: realLog, ours: ourLog } = expectSameLog(expect, r, mode, 0, lines);
      expect(ourLog).toMatch(/debug: Sending \[/);
      if (device.kind === 'apcmaster') {
        expect(realLog).toContain(`Sending [${PASSWORD}]`);
        expect(ourLog).not.toContain(PASSWORD);
      }
      expect(r.states?.ours).toBe(r.states?.real);
      expect(r.changes?.ours).toEqual(r.changes?.real);
    });
  }

  /** -h without -t: the real binary prints a block for each of its 36 types; ours for the types it implements. */
  it.concurrent('-h without -t: the usage, the header, then the blocks of the implemented types as the real prints them', async ({
    expect,
  }) => {
    const r = await both({ name: '-h', args: () => ['-h'], code: 0 }, 'pipe');
    expect(r.real.code).toBe(0);
    expect(r.ours.code).toBe(0);
    expect(r.ours.stdout).toBe(expectedHelp(r.real.stdout));
    expect(r.ours.stderr).toBe('');
  });

  it.concurrent('-L: the same 36 types', async ({ expect }) => {
    const r = await both({ name: '-L', args: () => ['-L'], code: 0 }, 'pipe');
    expect(r.ours.stdout).toBe(r.real.stdout);
    expect(r.ours.stdout.split('\n').slice(0, 2)).toEqual(['apcmaster', 'apcmastersnmp']);
  });
});

/**
 * The extension, which the real apcmaster cannot do (it only speaks TCP port
 * 23): `ipaddr=HOST:PORT`. What the real binary prints against a port-23
 * emulator with the same outlets is the reference.
 */
describe.skipIf(!available)('fencekit-stonith apcmaster extension: ipaddr=HOST:PORT', () => {
  /** The reference: the real binary against this one, on port 23. */
  let reference: Running;
  beforeAll(async () => {
    reference = await startApc(MASTERSWITCH, EXTENSION_HOST);
  });
  afterAll(() => reference?.emulator.stop());

  it('ipaddr=127.0.0.219:PORT: -l, -T off, -T on print what stonith prints on port 23', async () => {
    // Ours talks to a second emulator with the same outlets, on the same address and another port.
    const bus = new EventBus(500);
    const events: Timestamped[] = [];
    bus.subscribe((e) => events.push(e));
    const moved = await ApcEmulator.start({
      bus,
      config: { ...MASTERSWITCH.config, listen: `${EXTENSION_HOST}:0`, snmp: null },
    });
    try {
      const port = moved.telnet?.address.port;
      expect(port).not.toBe(23);
      for (const action of [['-l'], ['-T', 'off', 'mclaws'], ['-T', 'on', 'mclaws']]) {
        const expected = await runReal({ args: [...M(EXTENSION_HOST), ...action] }, 'tty', 30_000);
        const ours = await runOurs({ args: [...M(`${EXTENSION_HOST}:${port}`), ...action] }, 'tty', 30_000);
        expect(ours.code).toBe(expected.code);
        expect(ours.stdout).toBe(expected.stdout);
      }
      await settled({ emulator: moved, events });
      expect(plugChanges(events)).toEqual(['3:OFF', '3:ON']);
    } finally {
      await moved.stop();
    }
  });
});
