import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import dgram from 'node:dgram';
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PowerFlags, settingsFromFlags } from '../../cli/driver-flags.js';
import { findDriver } from '../../cli/drivers.js';
import { DEFAULT_MAX_REFUSALS } from '../../src/busy-retry.js';
import { TimeoutError } from '../../src/errors.js';
import { FENCEKIT } from '../helpers/cli.js';
import { run } from '../helpers/run.js';

/**
 * What a user meets when nothing answers: a refused port fails after a
 * counted handful of attempts with ECONNECTION (exit 8), not after the whole
 * budget; a host that never answers the TCP handshake is a connect timeout
 * (ETIMEOUT in phase `connect`), for every driver, never "no login prompt".
 *
 * Addresses: 127.0.5.1 (nothing listens: refused), 127.0.5.9 (a listening
 * socket whose backlog is full, so the kernel drops further SYNs), 127.0.5.8
 * (a UDP socket that never answers, for SNMP). No wall-clock thresholds: the
 * attempts are counted and the error's code and phase checked.
 */
const REFUSED = '127.0.5.1';
const DROPS = '127.0.5.9';
const MUTE_UDP = '127.0.5.8';

describe('fencekit power against a port where nothing listens', () => {
  it(`fails with ECONNECTION (exit 8) after ${DEFAULT_MAX_REFUSALS} attempts, saying it was refused`, async () => {
    const r = await run(
      process.execPath,
      [FENCEKIT, 'power', 'status', '1', '--driver', 'wti', '--host', REFUSED, '--port', '1', '--json', '--progress'],
      { env: { ...process.env, FENCEKIT_PASSWORD: 'pw' } },
    );
    expect(r.code).toBe(8);
    const body = JSON.parse(r.stdout);
    expect(body.error.code).toBe('ECONNECTION');
    expect(body.error.message).toContain(`refused ${DEFAULT_MAX_REFUSALS} times in a row`);
    // One progress line per attempt, and the retries say "refused", not "busy".
    expect(r.stderr.match(/connecting to telnet 127\.0\.5\.1:1/g)).toHaveLength(DEFAULT_MAX_REFUSALS);
    expect(r.stderr).toContain('the connection was refused: retrying');
    expect(r.stderr).not.toContain('busy');
  });
});

describe('every TCP driver against a port where nothing listens', () => {
  const cases: [string, Partial<PowerFlags>][] = [
    ['wti', {}],
    ['apc (telnet)', { driver: 'apc', username: 'apc' }],
    ['apc (ssh)', { driver: 'apc', username: 'apc', ssh: true, insecure: true }],
    ['ilo (RIBCL over TLS)', { driver: 'ilo', insecure: true }],
    ['ilo-ssh (SMASH)', { driver: 'ilo-ssh', insecure: true }],
    ['redfish', { driver: 'redfish', insecure: true }],
  ];
  it.each(cases)('%s: ECONNECTION, neither busy nor a timeout, well within the budget', async (name, extra) => {
    const flags = { driver: name.split(' ')[0], host: REFUSED, port: '1', timeout: '60', ...extra } as PowerFlags;
    const driver = findDriver(flags.driver);
    const settings = settingsFromFlags(driver, flags, { FENCEKIT_PASSWORD: 'pw' });
    const connecting: number[] = [];
    settings.progress = (e) => {
      if (e.type === 'connecting') connecting.push(e.attempt);
    };
    const sw = await driver.create(settings);
    try {
      const err = await sw.status('1').then(
        () => null,
        (e: unknown) => e,
      );
      expect((err as { code?: string }).code).toBe('ECONNECTION');
    } finally {
      await sw.close();
    }
    // Telnet and the APC over SSH retry a few refusals (a unit restarting); the others give up at once.
    expect(connecting.length).toBeGreaterThanOrEqual(1);
    expect(connecting.length).toBeLessThanOrEqual(DEFAULT_MAX_REFUSALS);
  });
});

/** A TCP port that takes no new connection: its one backlog slot is filled, further SYNs are dropped. */
function startSynDropper(host: string): Promise<{ port: number; child: ChildProcessWithoutNullStreams }> {
  const script = [
    'import socket, sys',
    's = socket.socket()',
    `s.bind((${JSON.stringify(host)}, 0))`,
    's.listen(0)',
    'port = s.getsockname()[1]',
    'fill = []',
    'for i in range(3):',
    '    c = socket.socket(); c.setblocking(False); c.connect_ex(s.getsockname()); fill.append(c)',
    'print(port, flush=True)',
    'sys.stdin.read()',
  ].join('\n');
  const child = spawn('/usr/bin/python3', ['-c', script]);
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const m = /^(\d+)\n/.exec(out);
      if (m) resolve({ port: Number(m[1]), child });
    });
    child.on('error', reject);
    child.on('exit', (code) => reject(new Error(`the SYN dropper exited (${code})`)));
  });
}

const havePython = fs.existsSync('/usr/bin/python3');
if (!havePython) {
  if (process.env.CI) throw new Error('python3 is needed for the unanswered-handshake tests');
  console.warn('SKIPPED: connect timeouts need /usr/bin/python3 to hold a listening socket with a full backlog');
}

describe.runIf(havePython)('a host that never answers the TCP handshake', () => {
  let dropper: { port: number; child: ChildProcessWithoutNullStreams };
  let udp: dgram.Socket;
  beforeAll(async () => {
    dropper = await startSynDropper(DROPS);
    udp = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => udp.bind(0, MUTE_UDP, resolve));
  });
  afterAll(() => {
    dropper?.child.stdin.end();
    dropper?.child.kill();
    udp?.close();
  });

  // Each driver as `fencekit power` would make it, with a 1.5 s budget.
  const cases: [string, Partial<PowerFlags>][] = [
    ['wti', {}],
    ['apc (telnet)', { driver: 'apc', username: 'apc' }],
    ['apc (ssh)', { driver: 'apc', username: 'apc', ssh: true, insecure: true }],
    ['ilo (RIBCL over TLS)', { driver: 'ilo', insecure: true }],
    ['ilo-ssh (SMASH)', { driver: 'ilo-ssh', insecure: true }],
    ['redfish', { driver: 'redfish', insecure: true }],
  ];
  it.each(cases)('%s: ETIMEOUT in phase connect', async (name, extra) => {
    const flags: PowerFlags = {
      driver: name.split(' ')[0] as string,
      host: DROPS,
      port: String(dropper.port),
      timeout: '1.5',
      ...extra,
    } as PowerFlags;
    const driver = findDriver(flags.driver);
    const sw = await driver.create(settingsFromFlags(driver, flags, { FENCEKIT_PASSWORD: 'pw' }));
    try {
      const err = await sw.status('1').then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(TimeoutError);
      expect((err as TimeoutError).phase).toBe('connect');
      expect((err as Error).message).toMatch(/no (SSH )?connection to/);
    } finally {
      await sw.close();
    }
  });

  it('apc-snmp: an agent that never answers is ETIMEOUT for its request', async () => {
    const port = (udp.address() as { port: number }).port;
    const flags = { driver: 'apc-snmp', host: MUTE_UDP, port: String(port), timeout: '1.5' } as PowerFlags;
    const driver = findDriver('apc-snmp');
    const sw = await driver.create(settingsFromFlags(driver, flags, { FENCEKIT_PASSWORD: 'private' }));
    try {
      const err = await sw.status('1').then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(TimeoutError);
    } finally {
      await sw.close();
    }
  });

  it('fencekit power says connect timeout (exit 6), not a missing login prompt', async () => {
    const r = await run(
      process.execPath,
      [FENCEKIT, 'power', 'status', '1', '--driver', 'wti', '--host', DROPS, '--port', String(dropper.port)].concat([
        '--timeout',
        '1.5',
        '--json',
      ]),
      { env: { ...process.env, FENCEKIT_PASSWORD: 'pw' } },
    );
    expect(r.code).toBe(6);
    const body = JSON.parse(r.stdout);
    expect(body.error.code).toBe('ETIMEOUT');
    expect(body.error.message).toMatch(/^no connection to telnet 127\.0\.5\.9:\d+ within \d+ ms$/);
    expect(r.stderr).not.toMatch(/prompt/);
  });
});
