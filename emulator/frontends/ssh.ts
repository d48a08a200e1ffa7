import fs from 'node:fs';
import net from 'node:net';
import type { AuthContext, Connection, ParsedKey, PseudoTtyInfo, ServerChannel } from 'ssh2';
import ssh2 from 'ssh2';
import { sshFingerprint } from '../../src/transport/ssh.js';
import type { EmulatorEvent } from '../events.js';
import type { SessionFactory } from '../session.js';
import { writeFileAtomic } from '../state-file.js';
import { LineChannel } from './line-channel.js';
import type { SessionLimit } from './session-limit.js';
import { type FaultSet, holdSilently } from './stream-faults.js';

const { Server, utils } = ssh2;

/**
 * The SSH front-end: password authentication against the device's users,
 * a shell channel carrying the same session as telnet. Host keys are
 * generated on first start and kept in `hostKeyFile`.
 *
 * - Authentication: `password`, and `keyboard-interactive` asking one
 *   "Password: " question. Everything else (none, publickey, hostbased) is
 *   refused with that list, so OpenSSH falls back to a password.
 * - A `shell` request takes a place in the unit's session limit (shared with
 *   telnet). When the unit is full the shell is told so and closed with exit
 *   status 1. `exec`, `subsystem` (sftp) and forwarding are refused.
 * - With a pty the front-end echoes what a line session is typed (as the
 *   pty's line discipline would), unless the client's modes turn ECHO off;
 *   without a pty (`ssh -T`) it does not. Output goes out as the session
 *   writes it: no LF → CRLF translation, the device's own line ends are kept.
 * - Events: 'login-failed' per wrong password (SSH authenticates, so the
 *   session never sees one), 'refused' when the unit is full, 'logout' when a
 *   shell ends. 'login' is the session's to emit when it starts, as on telnet:
 *   it knows the account's role. The origin the session is given reads
 *   `ssh 127.0.0.1:40112 apc`; a password never appears in any event.
 * - Faults (the device's set, read as each applies): `hang` takes the TCP
 *   connection and sends nothing, not even the SSH version line;
 *   `refuse-login` rejects every password as wrong; `busy` is the session
 *   limit's; `slow`, `garbled` and the login's faults act on the shell as on
 *   telnet (line-channel.ts, emulator/login.ts).
 */
export interface SshFrontendOptions {
  host: string;
  port: number;
  hostKeyFile?: string;
  /** Check a user name and password; the name is passed on to the session. */
  authenticate(user: string, password: string): boolean;
  makeSession: (user: string) => SessionFactory;
  emit: (e: EmulatorEvent) => void;
  idleTimeoutSeconds: () => number;
  limit: SessionLimit;
  /** A peer that stops reading while we owe it this many bytes is cut off. */
  maxPendingOutput?: number;
  /** The device's faults in force (none: no faults). */
  faults?: FaultSet;
}

/** Methods offered to a client: password first, keyboard-interactive for clients that prefer it. */
const AUTH_METHODS: ('password' | 'keyboard-interactive')[] = ['password', 'keyboard-interactive'];

/** Wrong passwords one connection may try (OpenSSH's MaxAuthTries default). */
const MAX_AUTH_TRIES = 6;

/** What a shell is told when the unit has no free session. */
export const SSH_BUSY_MESSAGE = 'Another session is open on this unit. Try again later.';

export class SshFrontend {
  private readonly hostKey: ParsedKey;
  private readonly server: InstanceType<typeof Server>;
  private readonly tcp: net.Server;
  private readonly sockets = new Set<net.Socket>();
  private readonly channels = new Set<LineChannel>();
  private bound: net.AddressInfo | null = null;

  constructor(readonly opts: SshFrontendOptions) {
    const { key, pem } = loadOrCreateHostKey(opts.hostKeyFile);
    this.hostKey = key;
    this.server = new Server({ hostKeys: [pem], ident: 'fencekit' }, (client, info) => this.accept(client, info));
    this.server.on('error', () => {});
    // Our own listener, handing sockets to ssh2: we can then cut every one of them on close().
    this.tcp = net.createServer((socket) => {
      socket.on('error', () => {});
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
      if (this.opts.faults?.has('hang')) {
        holdSilently(socket, this.opts.idleTimeoutSeconds());
        return;
      }
      socket.setNoDelay(true);
      this.server.injectSocket(socket);
    });
    // A failing accept (EMFILE under a connection flood) must not take the emulator down.
    this.tcp.on('error', () => {});
  }

  listen(): Promise<{ address: string; port: number }> {
    return new Promise((resolve, reject) => {
      const onError = (err: Error) => reject(err);
      this.tcp.once('error', onError);
      this.tcp.listen(this.opts.port, this.opts.host, () => {
        this.tcp.off('error', onError);
        const address = this.tcp.address() as net.AddressInfo;
        this.bound = address;
        this.opts.emit({ type: 'listening', frontEnd: 'ssh', address: `${address.address}:${address.port}` });
        resolve({ address: address.address, port: address.port });
      });
    });
  }

  get address(): { address: string; port: number } {
    const a = this.bound ?? (this.tcp.address() as net.AddressInfo | null);
    return a ? { address: a.address, port: a.port } : { address: this.opts.host, port: this.opts.port };
  }

  /** The host key's fingerprint as OpenSSH shows it: `SHA256:…`. */
  get hostKeyFingerprint(): string {
    return sshFingerprint(this.hostKey.getPublicSSH());
  }

  /** The host key's public half, one line in `authorized_keys`/`known_hosts` form (`ssh-ed25519 AAAA…`). */
  get hostPublicKey(): string {
    return `${this.hostKey.type} ${this.hostKey.getPublicSSH().toString('base64')}`;
  }

  close(): Promise<void> {
    for (const channel of this.channels) channel.end();
    for (const s of this.sockets) s.destroy();
    if (!this.tcp.listening) return Promise.resolve();
    return new Promise((resolve) => this.tcp.close(() => resolve()));
  }

  private accept(client: Connection, info: { ip: string; port: number }): void {
    // An abrupt disconnect, a protocol error or a keepalive timeout arrives here: never let it throw.
    client.on('error', () => {});
    const peer = `${info.ip}:${info.port}`;
    let user: string | null = null;
    let failures = 0;

    client.on('authentication', (ctx: AuthContext) => {
      const origin = `ssh ${peer} ${ctx.username}`;
      const check = (password: string) => {
        // refuse-login: the right password fails as a wrong one does, counted the same.
        if (!this.opts.faults?.has('refuse-login') && this.opts.authenticate(ctx.username, password)) {
          user = ctx.username;
          ctx.accept();
        } else {
          this.opts.emit({ type: 'login-failed', origin });
          ctx.reject(AUTH_METHODS);
          // As sshd's MaxAuthTries: a client guessing passwords is cut off after a few.
          if (++failures >= MAX_AUTH_TRIES) client.end();
        }
      };
      switch (ctx.method) {
        case 'password':
          check(ctx.password);
          return;
        case 'keyboard-interactive':
          ctx.prompt([{ prompt: 'Password: ', echo: false }], (answers) => check(answers[0] ?? ''));
          return;
        default:
          // "none" (the client asking what we take), publickey, hostbased.
          ctx.reject(AUTH_METHODS);
      }
    });

    client.on('ready', () => {
      client.on('session', (acceptSession) => {
        const session = acceptSession();
        let pty: PseudoTtyInfo | null = null;
        session.on('pty', (ok, _no, ptyInfo) => {
          pty = ptyInfo;
          ok?.();
        });
        session.on('window-change', (ok) => ok?.());
        session.on('env', (ok) => ok?.());
        session.on('signal', (ok) => ok?.());
        session.on('exec', (_ok, no) => no?.());
        session.on('subsystem', (_ok, no) => no?.());
        session.on('sftp', (_ok, no) => no?.());
        session.on('shell', (ok) => {
          const stream = ok();
          if (!stream) return;
          this.shell(stream, `ssh ${peer} ${user ?? ''}`, user ?? '', pty);
        });
      });
    });
  }

  private shell(stream: ServerChannel, origin: string, user: string, pty: PseudoTtyInfo | null): void {
    stream.on('error', () => {});
    const refusal = this.opts.limit.acquire();
    if (refusal !== null) {
      this.opts.emit({ type: 'refused', origin, reason: refusal });
      stream.stderr.write(`${SSH_BUSY_MESSAGE}\r\n`);
      stream.exit(1);
      stream.end();
      return;
    }
    // The session reports the 'login' itself (it knows the account's role), as it does on telnet.

    let released = false;
    const release = (reason: string) => {
      if (released) return;
      released = true;
      this.opts.limit.release();
      this.opts.emit({ type: 'logout', origin, reason });
    };
    let closing = false;
    const hangUp = (reason: string, status: number) => {
      // Free the place before the channel finishes closing: a client that logs out
      // and reconnects at once must not find its own old session in the way.
      release(reason);
      if (closing) return;
      closing = true;
      stream.exit(status);
      stream.end();
    };
    const maxPending = this.opts.maxPendingOutput ?? 1 << 20;

    const channel = new LineChannel({
      origin,
      write: (text) => {
        if (closing || !stream.writable) return;
        stream.write(Buffer.from(text, 'latin1'));
        if (stream.writableLength > maxPending) {
          channel.end();
          this.channels.delete(channel);
          hangUp('peer stopped reading', 1);
          stream.destroy();
        }
      },
      hangUp: (reason) => {
        this.channels.delete(channel);
        hangUp(reason, 0);
      },
      makeSession: this.opts.makeSession(user),
      idleTimeoutSeconds: this.opts.idleTimeoutSeconds,
      faults: this.opts.faults,
    });
    // A pty echoes typed characters unless the client's terminal modes say otherwise.
    channel.echo = pty !== null && pty.modes?.ECHO !== 0;
    this.channels.add(channel);

    const gone = (reason: string) => {
      this.channels.delete(channel);
      channel.end();
      release(reason);
    };
    stream.on('data', (chunk: Buffer) => channel.feed(chunk));
    // End of input (stdin closed on `ssh -T`) ends the session, as a shell reading EOF would.
    stream.on('end', () => {
      gone('disconnected');
      hangUp('disconnected', 0);
    });
    stream.on('close', () => gone('disconnected'));
    channel.open();
  }
}

/** An ed25519 host key: read from `file`, or made and saved there (0600, atomically) on first start. */
function loadOrCreateHostKey(file: string | undefined): { key: ParsedKey; pem: string } {
  if (file) {
    let text: string | null = null;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
        throw new Error(`SSH host key ${file}: ${(err as Error).message}`, { cause: err });
      }
    }
    if (text !== null) {
      const parsed = utils.parseKey(text);
      const key = Array.isArray(parsed) ? parsed[0] : parsed;
      if (!key || key instanceof Error || key.getPrivatePEM() === null) {
        // Never replace it silently: clients that trusted the old key would be told a lie.
        throw new Error(`SSH host key ${file} is not a private key${key instanceof Error ? `: ${key.message}` : ''}`);
      }
      return { key, pem: text };
    }
  }
  // ssh2 cannot read back about one generated ed25519 key in 200 ("Malformed OpenSSH
  // private key"): make another rather than fail, and save only one it can read.
  for (let attempt = 0; attempt < 10; attempt++) {
    const { private: pem } = utils.generateKeyPairSync('ed25519', { comment: 'fencekit emulator host key' });
    const parsed = utils.parseKey(pem);
    const key = Array.isArray(parsed) ? parsed[0] : parsed;
    if (!key || key instanceof Error) continue;
    if (file) writeFileAtomic(file, pem, 0o600);
    return { key, pem };
  }
  throw new Error('ssh2 could not read any host key it generated');
}
