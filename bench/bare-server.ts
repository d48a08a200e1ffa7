import net from 'node:net';
import { type RateResult, rateAgainst } from './session-rate.js';

/**
 * The ceiling for the session-rate figure on this machine at this moment: the
 * same client against a bare Node server that answers the same three lines
 * with canned text (no telnet, no device, no session state). On a shared,
 * busy machine the emulator's rate reads best beside it.
 */
const SCREEN = `\r\n${'-'.repeat(600)}\r\n 5 | mclaws |\r\n\r\nIPS> `;

export async function bareRate(host: string, maxMs: number): Promise<RateResult> {
  const server = net.createServer((socket) => {
    socket.setNoDelay(true);
    socket.on('error', () => {});
    socket.write('\r\nPassword: ');
    let lines = 0;
    socket.on('data', () => {
      lines++;
      if (lines >= 3) socket.end();
      else socket.write(SCREEN);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  try {
    const { port } = server.address() as net.AddressInfo;
    return await rateAgainst([{ host, port }], 12_000, maxMs);
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
