import net from 'node:net';
import { WtiEmulator } from '../emulator/wti-emulator.js';
import { PASSWORD, session } from './session-rate.js';

/**
 * Socket writes the WTI unit's telnet server makes in one whole session
 * (connect, password, `/S`, `/X,Y`): every `write` on any socket but the
 * client's while the session runs, counted by wrapping `net.Socket.prototype.write`.
 */
export async function writesPerSession(host: string): Promise<number> {
  const emulator = await WtiEmulator.start({
    config: {
      model: 'ips800',
      listen: `${host}:0`,
      password: PASSWORD,
      bootDelay: 0,
      plugs: [{ number: 5, name: 'mclaws' }],
    },
  });
  const original = net.Socket.prototype.write;
  const client = new net.Socket();
  let count = 0;
  net.Socket.prototype.write = function (this: net.Socket, ...args: unknown[]) {
    if (this !== client) count++;
    return (original as (...a: unknown[]) => boolean).apply(this, args);
  } as typeof original;
  try {
    if (!emulator.telnet) throw new Error('the unit has no telnet front-end');
    const { address, port } = emulator.telnet.address;
    const stall = setTimeout(() => client.destroy(new Error('the session stalled for 5 s')), 5000);
    await session(address, port, client).finally(() => clearTimeout(stall));
    return count;
  } finally {
    net.Socket.prototype.write = original;
    client.destroy();
    await emulator.stop();
  }
}
