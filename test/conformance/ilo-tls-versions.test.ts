import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventBus, type Timestamped } from '../../emulator/events.js';
import { ILO_MODELS, type IloModel } from '../../emulator/ilo/ilo-device.js';
import { ILO_TLS } from '../../emulator/ilo/tls-versions.js';
import { IloEmulator } from '../../emulator/ilo-emulator.js';
import { peer, run } from '../helpers/run.js';

/**
 * TLS versions per generation. fence_ilo's `--tls1.0` makes gnutls-cli speak
 * TLS 1.0 only, as an iLO 2 needs (docs/reference/ilo.md §2); each board
 * either completes that handshake and fences, or refuses it, as its row in
 * emulator/ilo/tls-versions.ts says. Addresses 127.0.3.0–9, port 0.
 */
const FENCE_ILO = '/usr/sbin/fence_ilo';
const GNUTLS_CLI = '/usr/bin/gnutls-cli';
const available = peer(FENCE_ILO).available && peer(GNUTLS_CLI).available;

interface Board {
  emulator: IloEmulator;
  host: string;
  port: number;
  events: Timestamped[];
}

async function startBoard(model: IloModel, address: string): Promise<Board> {
  const bus = new EventBus(1000);
  const events: Timestamped[] = [];
  bus.subscribe((e) => events.push(e));
  const front = model === 'ilo2' ? 'tls' : 'https';
  const emulator = await IloEmulator.start({
    bus,
    config: { model, listen: null, [front]: `${address}:0`, username: 'admin', password: 'pw' },
  });
  const bound = (front === 'tls' ? emulator.tls : emulator.https)?.address;
  if (!bound) throw new Error(`the emulator has no ${front} front-end`);
  return { emulator, host: bound.address, port: bound.port, events };
}

/** The protocol a handshake limited to `version` settles on, or the error's code. */
function handshake(board: Board, version: tls.SecureVersion): Promise<string> {
  return new Promise((resolve) => {
    const socket = tls.connect({
      host: board.host,
      port: board.port,
      rejectUnauthorized: false,
      minVersion: version,
      maxVersion: version,
      // Node's own floor is TLS 1.2 at security level 1: lower both on this side, so
      // the answer is the board's.
      ciphers: 'DEFAULT:@SECLEVEL=0',
    });
    socket.once('secureConnect', () => {
      resolve(socket.getProtocol() ?? 'none');
      socket.destroy();
    });
    socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
  });
}

const BOARDS = ILO_MODELS.map((model, i) => ({ model, address: `127.0.3.${i}` }));

describe.each(BOARDS)('TLS versions of the $model emulator', ({ model, address }) => {
  let board: Board;
  beforeAll(async () => {
    board = await startBoard(model, address);
  });
  afterAll(() => board?.emulator.stop());

  const range = ILO_TLS[model];
  const order: tls.SecureVersion[] = ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'];
  const within = (v: tls.SecureVersion) =>
    order.indexOf(v) >= order.indexOf(range.min) && order.indexOf(v) <= order.indexOf(range.max);

  it.each(order)('a handshake limited to %s succeeds exactly when the generation speaks it', async (version) => {
    const got = await handshake(board, version);
    if (within(version)) expect(got).toBe(version);
    else expect(got).not.toBe(version);
  });

  it.skipIf(!available)('fence_ilo --tls1.0 -o status: as the generation allows TLS 1.0', async () => {
    const r = await run(
      FENCE_ILO,
      [
        '-a',
        board.host,
        '-u',
        String(board.port),
        '-l',
        'admin',
        '-p',
        'pw',
        '--ssl-insecure',
        '--tls1.0',
        '-o',
        'status',
      ],
      { timeoutMs: 90_000 },
    );
    if (within('TLSv1')) {
      expect(r.stdout).toBe('Status: ON\n');
      expect(r.code).toBe(0);
      expect(board.events.some((e) => e.type === 'login')).toBe(true);
    } else {
      expect(r.code).toBe(1);
    }
  });
});
