import { X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Timestamped } from '../../emulator/events.js';
import type { IloModel } from '../../emulator/ilo/ilo-device.js';
import type { IloEmulator } from '../../emulator/ilo-emulator.js';
import { startEmulatorProcess } from '../helpers/cli.js';
import { peer, run, runOnTty } from '../helpers/run.js';
import { startIlo } from '../helpers/units.js';
import { waitFor } from '../helpers/wait.js';

/**
 * The real cluster-glue 1.0.12 `stonith -t external/riloe` (python3) against
 * the iLO emulator on port 443, the only port riloe reaches (peers.md §2; we
 * run as root). riloe verifies the certificate and the host name against the
 * system CA store, so each run is given the emulator's certificate as
 * SSL_CERT_FILE; it sends one whole script per connection and reads until
 * the board closes, parsing each TLS record as one XML document (ilo.md §3).
 * Addresses 127.0.0.170–179, each test group its own.
 */
const STONITH = '/usr/sbin/stonith';
const stonith = peer(STONITH);
const available = stonith.available;

interface Board {
  emulator: IloEmulator;
  address: string;
  certFile: string;
  events: Timestamped[];
  dir: string;
}

async function startBoard(
  model: IloModel,
  front: 'tls' | 'https',
  address: string,
  extra: Parameters<typeof startIlo>[1] = {},
): Promise<Board> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fencekit-riloe-'));
  const port = front === 'tls' ? { tls: 443 } : { https: 443 };
  const ilo = await startIlo(address, { model, ...port, state: path.join(dir, 'ilo.json'), ...extra });
  const certFile = ilo.emulator.certificate?.certFile;
  if (!certFile) throw new Error('the emulator kept no certificate');
  return { emulator: ilo.emulator, address, certFile, events: ilo.events, dir };
}

/** Each test starts from a server that is on, with no power change pending. */
function reset(board: Board, power: 'ON' | 'OFF' = 'ON'): void {
  board.emulator.device.faults.clear();
  board.emulator.device.stop();
  board.emulator.device.load({ power });
}

async function stopBoard(board: Board | undefined): Promise<void> {
  if (!board) return;
  await board.emulator.stop();
  fs.rmSync(board.dir, { recursive: true, force: true });
}

/** The riloe parameters, as name=value pairs. */
const params = (address: string, password = 'pw') => [
  'hostlist=node1',
  `ilo_hostname=${address}`,
  'ilo_user=admin',
  `ilo_password=${password}`,
];

/** stonith off a tty (as pacemaker calls it), trusting `certFile` (or the system store when null). */
function riloe(address: string, certFile: string | null, args: string[], password = 'pw') {
  const env = { ...process.env };
  delete env.SSL_CERT_FILE;
  delete env.SSL_CERT_DIR;
  if (certFile) env.SSL_CERT_FILE = certFile;
  return run(STONITH, ['-t', 'external/riloe', ...params(address, password), ...args], { env, timeoutMs: 90_000 });
}

/** The same on a tty, where stonith prints its log lines on stderr. */
function riloeOnTty(address: string, certFile: string, args: string, password = 'pw') {
  return runOnTty(
    `SSL_CERT_FILE=${certFile} ${STONITH} -t external/riloe ${params(address, password).join(' ')} ${args}`,
    {
      timeoutMs: 90_000,
    },
  );
}

/** The server's power changes since event index `from`, as "OFF ON". */
const changes = (board: Board, from: number) =>
  board.events
    .slice(from)
    .flatMap((e) => (e.type === 'plug' ? [e.state] : []))
    .join(' ');

describe.skipIf(!available).each([
  { model: 'ilo2' as const, front: 'tls' as const, address: '127.0.0.170', look: 'raw RIBCL over TLS' },
  { model: 'ilo4' as const, front: 'https' as const, address: '127.0.0.171', look: 'a port that also speaks HTTP' },
])('stonith -t external/riloe against the $model emulator ($look) on port 443', (b) => {
  let board: Board;
  beforeAll(async () => {
    board = await startBoard(b.model, b.front, b.address);
  });
  afterAll(() => stopBoard(board));
  beforeEach(() => reset(board));

  it('-S: the device is OK (exit 0), after a login as admin', async () => {
    const r = await riloeOnTty(board.address, board.certFile, '-S');
    expect(r.stdout).toContain('info: external/riloe device OK.');
    expect(r.code).toBe(0);
    expect(board.events.find((e) => e.type === 'login')).toMatchObject({
      origin: expect.stringMatching(/^ribcl 127\.0\.0\.1:\d+ admin$/),
    });
  });

  it('-l: lists the host it was configured with', async () => {
    const r = await riloe(board.address, board.certFile, ['-l']);
    expect(r.stdout).toBe('node1\n');
    expect(r.code).toBe(0);
  });

  it('-T off: exit 0, and the server is off', async () => {
    const from = board.events.length;
    const r = await riloe(board.address, board.certFile, ['-T', 'off', 'node1']);
    expect(r.code).toBe(0);
    expect(board.emulator.device.power).toBe('OFF');
    expect(changes(board, from)).toBe('OFF');
  });

  it('-T off again: nothing to do, exit 0', async () => {
    reset(board, 'OFF');
    const from = board.events.length;
    const r = await riloe(board.address, board.certFile, ['-T', 'off', 'node1']);
    expect(r.code).toBe(0);
    expect(changes(board, from)).toBe('');
  });

  it('-T on: exit 0, and the server is on', async () => {
    reset(board, 'OFF');
    const from = board.events.length;
    const r = await riloe(board.address, board.certFile, ['-T', 'on', 'node1']);
    expect(r.code).toBe(0);
    expect(board.emulator.device.power).toBe('ON');
    expect(changes(board, from)).toBe('ON');
  });

  it('-T reset: exit 0, off then on', async () => {
    const from = board.events.length;
    const r = await riloe(board.address, board.certFile, ['-T', 'reset', 'node1']);
    expect(r.code).toBe(0);
    expect(changes(board, from)).toBe('OFF ON');
  });

  it('-S with a wrong password: "device not accessible", riloe reports the board\'s 0x005F, exit 1', async () => {
    const from = board.events.length;
    const r = await riloeOnTty(board.address, board.certFile, '-S', 'wrong');
    expect(r.stdout).toContain('ERROR: Login failed. (rc: 0x005F)');
    expect(r.stdout).toContain('ERROR: external/riloe device not accessible.');
    expect(r.code).toBe(1);
    expect(board.events.slice(from)).toContainEqual(
      expect.objectContaining({ type: 'login-failed', origin: expect.stringMatching(/ admin$/) }),
    );
  });

  it('-T off with a wrong password: exit 5, the server stays on, no password in any event', async () => {
    const r = await riloe(board.address, board.certFile, ['-T', 'off', 'node1'], 'wrong');
    expect(r.code).toBe(5);
    expect(board.emulator.device.power).toBe('ON');
    expect(JSON.stringify(board.events)).not.toMatch(/wrong|"pw"/);
  });
});

describe.skipIf(!available)('stonith -t external/riloe against a board that takes 2 s to change state', () => {
  let board: Board;
  beforeAll(async () => {
    board = await startBoard('ilo2', 'tls', '127.0.0.172', { transition: 2 });
  });
  afterAll(() => stopBoard(board));

  it('-T reset waits (riloe polls every 5 s) until off, then powers on', async () => {
    const from = board.events.length;
    const r = await riloe(board.address, board.certFile, ['-T', 'reset', 'node1']);
    expect(r.code).toBe(0);
    // riloe does not wait for on: the board gets there after its transition.
    await waitFor(() => board.emulator.device.power === 'ON', { what: 'the server back on' }).catch(() => {});
    expect(board.emulator.device.power).toBe('ON');
    expect(changes(board, from)).toBe('OFF ON');
  });
});

describe.skipIf(!available)('a TLS handshake that fails', () => {
  let board: Board;
  let other: Board;
  beforeAll(async () => {
    board = await startBoard('ilo2', 'tls', '127.0.0.173');
    // A second board, for a certificate that is valid but not this board's.
    other = await startBoard('ilo2', 'tls', '127.0.0.174');
  });
  afterAll(async () => {
    await stopBoard(board);
    await stopBoard(other);
  });

  it('a client that trusts only the system store: "device not accessible", the board reports a refused handshake', async () => {
    const from = board.events.length;
    const r = await riloe(board.address, null, ['-S']);
    expect(r.code).toBe(1);
    const refused = board.events.slice(from).filter((e) => e.type === 'refused');
    expect(refused).toEqual([
      expect.objectContaining({
        origin: expect.stringMatching(/^ribcl 127\.0\.0\.1:\d+$/),
        reason: expect.stringContaining('TLS handshake failed'),
      }),
    ]);
    expect(board.events.slice(from).filter((e) => e.type === 'login')).toEqual([]);
  });

  it('a client that trusts another certificate: refused too', async () => {
    const from = board.events.length;
    const r = await riloe(board.address, other.certFile, ['-S']);
    expect(r.code).toBe(1);
    expect(board.events.slice(from).filter((e) => e.type === 'refused')).toHaveLength(1);
  });

  it('the board keeps running: the next client that trusts it is served', async () => {
    const r = await riloe(board.address, board.certFile, ['-T', 'off', 'node1']);
    expect(r.code).toBe(0);
    expect(board.emulator.device.power).toBe('OFF');
  });
});

describe.skipIf(!available)('`fencekit emulate --model ilo2 --tls …:443 --state FILE` as riloe meets it', () => {
  const address = '127.0.0.175';
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fencekit-riloe-cli-'));
    fs.writeFileSync(path.join(dir, 'password'), 'S3cret-pw\n', { mode: 0o600 });
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const start = () =>
    startEmulatorProcess(
      [
        '--model',
        'ilo2',
        '--tls',
        `${address}:443`,
        '--password-file',
        path.join(dir, 'password'),
        '--state',
        path.join(dir, 'ilo.json'),
      ],
      process.env,
      /^listening on (\S+):(\d+) \(tls/m,
    );

  it('prints how to connect, keeps the certificate beside the state file, and riloe trusts it', async () => {
    const emulator = await start();
    try {
      const certFile = path.join(dir, 'ilo.json.tls-cert.pem');
      expect(emulator.stdout()).toContain(
        `SSL_CERT_FILE=${certFile} stonith -t external/riloe hostlist=node1 ilo_hostname=${address} ilo_user=admin ilo_password=<password> -S`,
      );
      expect(emulator.stdout()).toContain(
        `fence_ilo -a ${address} -u 443 -l admin -p <password> --ssl-insecure -o status`,
      );
      const cert = new X509Certificate(fs.readFileSync(certFile));
      expect(cert.checkIP(address)).toBe(address);
      expect(cert.checkHost('localhost')).toBe('localhost');
      expect(fs.statSync(path.join(dir, 'ilo.json.tls-key.pem')).mode & 0o777).toBe(0o600);

      const off = await riloe(address, certFile, ['-T', 'off', 'node1'], 'S3cret-pw');
      expect(off.code).toBe(0);
      await emulator.waitForLog((l) => l.type === 'plug' && l.state === 'OFF');
    } finally {
      await emulator.stop();
    }
    expect(emulator.stderr()).not.toContain('S3cret');
  });

  it('after a restart: the same certificate, the server still off', async () => {
    const certFile = path.join(dir, 'ilo.json.tls-cert.pem');
    const before = fs.readFileSync(certFile, 'utf8');
    const emulator = await start();
    try {
      expect(fs.readFileSync(certFile, 'utf8')).toBe(before);
      expect(emulator.stdout()).not.toContain('made at this start');
      const on = await riloe(address, certFile, ['-T', 'on', 'node1'], 'S3cret-pw');
      expect(on.code).toBe(0);
      // riloe switches only what needs switching: the board came back off.
      await emulator.waitForLog((l) => l.type === 'plug' && l.state === 'ON');
    } finally {
      await emulator.stop();
    }
  });
});
