import { TelnetCodec, type TelnetHandlers } from './codec.js';
import { Option } from './constants.js';

/**
 * The server's half of a telnet connection, as the WTI and APC cards speak it:
 * offer ECHO and SGA at once so clients switch to character mode, accept BINARY
 * both ways, refuse everything else. Nothing waits for the peer's replies, so a
 * raw-socket client that never negotiates (cluster-glue) still gets its prompt.
 */
export class TelnetServerSide {
  readonly codec: TelnetCodec;

  constructor(handlers: TelnetHandlers) {
    this.codec = new TelnetCodec(
      {
        acceptLocal: (opt) => opt === Option.BINARY || opt === Option.ECHO || opt === Option.SGA,
        acceptRemote: (opt) => opt === Option.BINARY,
      },
      handlers,
    );
  }

  /** Send the opening offers. */
  start(): void {
    this.codec.request('local', Option.ECHO, true);
    this.codec.request('local', Option.SGA, true);
  }

  /** The client agreed that we echo: it has stopped echoing locally. */
  get echoing(): boolean {
    return this.codec.isEnabled('local', Option.ECHO);
  }
}
