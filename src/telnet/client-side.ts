import { TelnetCodec, type TelnetHandlers } from './codec.js';
import { Option } from './constants.js';

/**
 * The client's half of a telnet connection, for the drivers: let the server
 * echo and suppress go-ahead (character mode, as the real cards expect),
 * take BINARY both ways, refuse the rest. It asks for nothing itself, so it
 * never waits on a server that does not negotiate.
 */
export class TelnetClientSide {
  readonly codec: TelnetCodec;

  constructor(handlers: TelnetHandlers) {
    this.codec = new TelnetCodec(
      {
        acceptLocal: (opt) => opt === Option.BINARY || opt === Option.SGA,
        acceptRemote: (opt) => opt === Option.BINARY || opt === Option.ECHO || opt === Option.SGA,
      },
      handlers,
    );
  }
}
