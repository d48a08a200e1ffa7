import type { Deadline } from '../../src/deadline.js';
import { AuthError, ProtocolError, UsageError } from '../../src/errors.js';
import { Fencer, type PlugBackend, type PlugSession } from '../../src/fencing.js';
import type { PowerState, PowerSwitch } from '../../src/power-switch.js';
import { emitProgress, type ProgressListener } from '../../src/progress.js';
import { MASK, type Transcript } from '../../src/transcript.js';
import { httpsRequest, rawExchange, type TlsTarget } from './https.js';
import { parseRibclReply, type RibclCommand, ribclRequest } from './ribcl.js';
import { serverPlug } from './single-server.js';

/**
 * HP iLO over RIBCL: raw XML on a TLS socket (iLO, iLO 2, and later boards
 * too), or `POST /ribcl` over HTTPS (iLO 3 and later). `transport: 'auto'`
 * starts raw and switches to HTTP for good if the board answers with HTTP.
 */
export interface IloOptions {
  host: string;
  port?: number;
  username: string;
  password: string;
  transport?: 'auto' | 'raw' | 'http';
  /** `power` (default): SET_HOST_POWER; `button`: HOLD_PWR_BTN to cut, PRESS_PWR_BTN to start. */
  method?: 'power' | 'button';
  /** Name shown for the one server the board manages (default "server"). */
  name?: string;
  ca?: string | Buffer;
  insecure?: boolean;
  timeoutMs?: number;
  /** Every request and reply, the password masked: a debug aid, worded freely. */
  transcript?: Transcript;
  /**
   * Typed progress. RIBCL logs in with every request, one connection each:
   * connecting, connected, credentials-sent, then logged-in or login-refused
   * and disconnected, for every request.
   */
  progress?: ProgressListener;
}

export interface IloSwitch extends PowerSwitch {
  /** How the last request travelled. */
  readonly transport: 'raw' | 'http' | undefined;
}

export function createIloSwitch(opts: IloOptions): IloSwitch {
  if (!opts.host) throw new UsageError('the iLO driver needs a host');
  const backend = new RibclBackend(opts);
  return Object.defineProperty(
    new Fencer(backend, { timeoutMs: opts.timeoutMs, progress: opts.progress }),
    'transport',
    {
      get: () => backend.transport,
      enumerable: true,
    },
  ) as unknown as IloSwitch;
}

class RibclBackend implements PlugBackend {
  transport: 'raw' | 'http' | undefined;
  private readonly target: TlsTarget;

  constructor(private readonly opts: IloOptions) {
    this.target = { host: opts.host, port: opts.port ?? 443, ca: opts.ca, insecure: opts.insecure };
    if (opts.transport && opts.transport !== 'auto') this.transport = opts.transport;
  }

  async withSession<T>(_deadline: Deadline, work: (session: PlugSession) => Promise<T>): Promise<T> {
    return work({
      readPlugs: async (deadline) => {
        const reply = await this.request({ kind: 'status' }, deadline);
        if (!reply.power) throw new ProtocolError('the iLO did not report the host power');
        return serverPlug(this.opts.name, reply.power);
      },
      setPlugs: async (_plugs, state, deadline) => {
        await this.request(this.command(state), deadline);
      },
    });
  }

  async close(): Promise<void> {}

  private command(state: PowerState): RibclCommand {
    if (this.opts.method === 'button')
      return state === 'off' ? { kind: 'hold-button', toggle: false } : { kind: 'press-button' };
    return { kind: 'set-power', state };
  }

  private async request(command: RibclCommand, deadline: Deadline) {
    const body = ribclRequest(this.opts.username, this.opts.password, command);
    const phase = command.kind === 'status' ? 'GET_HOST_POWER_STATUS' : command.kind;
    this.opts.transcript?.('sent', body.replace(/PASSWORD="[^"]*"/, `PASSWORD="${MASK}"`));
    let text: string;
    if (this.transport === 'http') {
      text = await this.exchange('http', () => this.http(body, deadline, phase, this.sent('http')));
    } else {
      text = await this.exchange('raw', () => rawExchange(this.target, body, deadline, phase, this.sent('raw')));
      if (text.startsWith('HTTP/')) {
        if (this.transport === 'raw') {
          emitProgress(this.opts.progress, { type: 'disconnected', reason: 'closed' });
          throw new ProtocolError('the board answers raw RIBCL with HTTP: use transport http');
        }
        this.transport = 'http';
        this.opts.transcript?.('note', 'the board speaks HTTP: switching to POST /ribcl');
        emitProgress(this.opts.progress, { type: 'disconnected', reason: 'closed' });
        text = await this.exchange('http', () => this.http(body, deadline, phase, this.sent('http')));
      } else {
        this.transport = 'raw';
      }
    }
    this.opts.transcript?.('received', text);
    // The board has closed the connection by now (one request each); it is reported after the verdict on the login.
    try {
      const reply = parseRibclReply(text);
      emitProgress(this.opts.progress, { type: 'logged-in' });
      return reply;
    } catch (err) {
      if (err instanceof AuthError)
        emitProgress(this.opts.progress, { type: 'login-refused', reply: err.reply, attempt: 1 });
      throw err;
    } finally {
      emitProgress(this.opts.progress, { type: 'disconnected', reason: 'closed' });
    }
  }

  /** One request on its own connection, reported as such. */
  private async exchange(how: 'raw' | 'http', run: () => Promise<string | { body: string }>): Promise<string> {
    const target = `${how === 'raw' ? 'ribcl' : 'https'} ${this.target.host}:${this.target.port}`;
    emitProgress(this.opts.progress, { type: 'connecting', target, attempt: 1 });
    try {
      const answer = await run();
      return typeof answer === 'string' ? answer : answer.body;
    } catch (err) {
      emitProgress(this.opts.progress, { type: 'disconnected', reason: 'error' });
      throw err;
    }
  }

  /** Once the request is on the wire: the connection is up and the credentials went with it. */
  private sent(how: 'raw' | 'http'): () => void {
    return () => {
      const target = `${how === 'raw' ? 'ribcl' : 'https'} ${this.target.host}:${this.target.port}`;
      emitProgress(this.opts.progress, { type: 'connected', target });
      emitProgress(this.opts.progress, { type: 'credentials-sent', field: 'password' });
    };
  }

  private http(body: string, deadline: Deadline, phase: string, onSent?: () => void) {
    return httpsRequest(
      this.target,
      { method: 'POST', path: '/ribcl', headers: { 'content-type': 'text/xml', connection: 'close' }, body },
      deadline,
      phase,
      onSent,
    );
  }
}
