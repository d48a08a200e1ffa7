import { createHash } from 'node:crypto';
import type { ConnectConfig } from 'ssh2';
import { AbortedError, AuthError, ConnectionError, TimeoutError, UsageError } from '../errors.js';
import { type ByteStream, type ByteStreamHandlers, StreamInbox } from './byte-stream.js';

/**
 * An SSH shell as a byte stream: password (or keyboard-interactive)
 * authentication, a pty (vt100, 80×24) and a shell, then bytes both ways,
 * as a person at a terminal would see them.
 *
 * Host key checking:
 * - `{ sha256: 'SHA256:…' }`: the server's key must have this fingerprint
 *   (the form `ssh-keygen -lf` and the OpenSSH client print; the `SHA256:`
 *   prefix and trailing `=` are optional). Anything else fails with a
 *   ConnectionError naming the fingerprint that was offered.
 * - `'insecure'`: any key is accepted. Anyone on the path can then pose as the
 *   device and read the password: use it only on a trusted network or for tests.
 * - nothing: the connection is refused before authentication (no password is
 *   sent) with a ConnectionError that names the offered fingerprint, so it can
 *   be checked out of band and pinned.
 *
 * Errors: AuthError (the password was refused), TimeoutError (phase
 * "connect" until the key exchange is done, then "login"), ConnectionError
 * (no route, refused, host key, shell refused), AbortedError (the signal).
 * The password is never part of a message.
 */
export interface SshConnectOptions {
  host: string;
  port: number;
  username: string;
  password: string;
  /** For the whole connection: TCP, key exchange, authentication and shell. */
  timeoutMs: number;
  signal?: AbortSignal;
  hostKey?: { sha256?: string } | 'insecure';
}

/** `SHA256:<base64, no padding>` of a public key blob, as OpenSSH prints it. */
export function sshFingerprint(publicKeyBlob: Uint8Array): string {
  return `SHA256:${createHash('sha256').update(publicKeyBlob).digest('base64').replace(/=+$/, '')}`;
}

function normaliseFingerprint(text: string): string {
  return `SHA256:${text
    .trim()
    .replace(/^SHA256:/i, '')
    .replace(/=+$/, '')}`;
}

/**
 * ssh2 is loaded on the first SSH connection, not with this module: the core and
 * the telnet-only drivers (`fencekit/wti`) re-export this file, and a WTI user
 * should not pay for loading an SSH stack at start-up.
 */
async function loadClient(): Promise<typeof import('ssh2').Client> {
  return (await import('ssh2')).default.Client;
}

export async function connectSsh(opts: SshConnectOptions): Promise<ByteStream> {
  const Client = await loadClient();
  return new Promise((resolve, reject) => {
    const description = `ssh ${opts.host}:${opts.port}`;
    if (opts.signal?.aborted) {
      reject(new AbortedError(`connecting to ${description} was aborted`));
      return;
    }
    const expected =
      opts.hostKey && opts.hostKey !== 'insecure' && opts.hostKey.sha256
        ? normaliseFingerprint(opts.hostKey.sha256)
        : null;
    if (opts.hostKey && opts.hostKey !== 'insecure' && !expected) {
      reject(new UsageError(`no host key fingerprint given for ${description}: pass { sha256 } or 'insecure'`));
      return;
    }

    const client = new Client();
    const inbox = new StreamInbox();
    let phase: 'connect' | 'login' = 'connect';
    let offered: string | null = null;
    let hostKeyRejected = false;
    let settled = false;
    let clientClosed = false;

    const cleanup = () => {
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
    };
    const fail = (err: Error) => {
      if (settled) return;
      settled = true;
      cleanup();
      client.end();
      client.destroy();
      reject(err);
    };
    const onAbort = () => fail(new AbortedError(`connecting to ${description} was aborted`));
    const timer = setTimeout(() => {
      fail(
        phase === 'connect'
          ? new TimeoutError('connect', `no SSH connection to ${description} within ${opts.timeoutMs} ms`)
          : new TimeoutError('login', `${description} did not log us in and open a shell within ${opts.timeoutMs} ms`),
      );
    }, opts.timeoutMs);
    opts.signal?.addEventListener('abort', onAbort, { once: true });

    // An error after the shell opened ends the stream; before, it fails the connect.
    client.on('error', (err: Error & { level?: string }) => {
      if (settled) {
        inbox.end(new ConnectionError(`${description}: ${err.message}`, { cause: err }));
        return;
      }
      if (hostKeyRejected) {
        fail(
          new ConnectionError(
            expected
              ? `${description} offered host key ${offered}, not the expected ${expected}`
              : `${description} offered host key ${offered}, which is not trusted`,
            { cause: err, remedy: expected ? ['pin-host-key'] : ['pin-host-key', 'ssh-insecure'] },
          ),
        );
      } else if (err.level === 'client-authentication') {
        fail(new AuthError(`${description} refused the password for user '${opts.username}'`, { cause: err }));
      } else if (err.level === 'client-timeout') {
        fail(new TimeoutError(phase, `${description}: ${err.message}`, { cause: err }));
      } else {
        fail(new ConnectionError(`cannot connect to ${description}: ${err.message}`, { cause: err }));
      }
    });
    client.on('handshake', () => {
      phase = 'login';
    });
    client.on('close', () => {
      clientClosed = true;
      if (!settled) fail(new ConnectionError(`${description} closed the connection during ${phase}`));
      else inbox.end();
    });
    // Keyboard-interactive: answer the server's questions with the password (as OpenSSH would let a person do).
    let rounds = 0;
    client.on('keyboard-interactive', (_name, _instructions, _lang, prompts, finish) => {
      rounds++;
      finish(rounds <= 3 ? prompts.map(() => opts.password) : []);
    });
    client.on('ready', () => {
      client.shell({ term: 'vt100', cols: 80, rows: 24 }, (err, stream) => {
        if (err) {
          fail(new ConnectionError(`${description} refused a shell: ${err.message}`, { cause: err }));
          return;
        }
        if (settled) {
          stream.close();
          return;
        }
        settled = true;
        cleanup();
        stream.on('data', (chunk: Buffer) => inbox.data(chunk));
        stream.stderr.on('data', (chunk: Buffer) => inbox.data(chunk));
        stream.on('error', (e: Error) => inbox.end(new ConnectionError(`${description}: ${e.message}`, { cause: e })));
        stream.on('close', () => {
          inbox.end();
          client.end();
        });
        let closing: Promise<void> | null = null;
        resolve({
          description,
          write: (bytes) => {
            if (stream.writable) stream.write(Buffer.from(bytes));
          },
          attach: (handlers: ByteStreamHandlers) => inbox.attach(handlers),
          close: () => {
            closing ??= new Promise<void>((done) => {
              if (clientClosed) return done();
              client.once('close', () => done());
              stream.end();
              client.end();
              // A peer that never closes its side must not hold us.
              setTimeout(() => client.destroy(), 500).unref();
            });
            return closing;
          },
        });
      });
    });

    const config: ConnectConfig = {
      host: opts.host,
      port: opts.port,
      username: opts.username,
      password: opts.password,
      tryKeyboard: true,
      readyTimeout: opts.timeoutMs,
      hostVerifier: (key: Buffer) => {
        offered = sshFingerprint(key);
        const ok = opts.hostKey === 'insecure' || (expected !== null && offered === expected);
        if (!ok) hostKeyRejected = true;
        return ok;
      },
    };
    try {
      client.connect(config);
    } catch (err) {
      fail(new ConnectionError(`cannot connect to ${description}: ${(err as Error).message}`, { cause: err }));
    }
  });
}
