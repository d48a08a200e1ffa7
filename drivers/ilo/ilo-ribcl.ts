import type { Deadline } from '../../src/deadline.js';
import { ProtocolError, UsageError } from '../../src/errors.js';
import { Fencer, type PlugBackend, type PlugSession } from '../../src/fencing.js';
import type { PowerState, PowerSwitch } from '../../src/power-switch.js';
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
  transcript?: Transcript;
}

export interface IloSwitch extends PowerSwitch {
  /** How the last request travelled. */
  readonly transport: 'raw' | 'http' | undefined;
}

export function createIloSwitch(opts: IloOptions): IloSwitch {
  if (!opts.host) throw new UsageError('the iLO driver needs a host');
  const backend = new RibclBackend(opts);
  return Object.defineProperty(new Fencer(backend, { timeoutMs: opts.timeoutMs }), 'transport', {
    get: () => backend.transport,
    enumerable: true,
  }) as unknown as IloSwitch;
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
    if (this.opts.method === 'button') return state === 'off' ? { kind: 'hold-button', toggle: false } : { kind: 'press-button' };
    return { kind: 'set-power', state };
  }

  private async request(command: RibclCommand, deadline: Deadline) {
    const body = ribclRequest(this.opts.username, this.opts.password, command);
    const phase = command.kind === 'status' ? 'GET_HOST_POWER_STATUS' : command.kind;
    this.opts.transcript?.('sent', body.replace(/PASSWORD="[^"]*"/, `PASSWORD="${MASK}"`));
    let text: string;
    if (this.transport === 'http') {
      text = (await this.http(body, deadline, phase)).body;
    } else {
      text = await rawExchange(this.target, body, deadline, phase);
      if (text.startsWith('HTTP/')) {
        if (this.transport === 'raw') throw new ProtocolError('the board answers raw RIBCL with HTTP: use transport http');
        this.transport = 'http';
        this.opts.transcript?.('note', 'the board speaks HTTP: switching to POST /ribcl');
        text = (await this.http(body, deadline, phase)).body;
      } else {
        this.transport = 'raw';
      }
    }
    this.opts.transcript?.('received', text);
    return parseRibclReply(text);
  }

  private http(body: string, deadline: Deadline, phase: string) {
    return httpsRequest(
      this.target,
      { method: 'POST', path: '/ribcl', headers: { 'content-type': 'text/xml', connection: 'close' }, body },
      deadline,
      phase,
    );
  }
}
