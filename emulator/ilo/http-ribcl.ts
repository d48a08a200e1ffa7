import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { EmulatorEvent } from '../events.js';
import { corrupt, PacedOutput } from '../fault-effects.js';
import type { IloDevice } from './ilo-device.js';
import type { RibclSession } from './ribcl.js';

/**
 * RIBCL over HTTP (`POST /ribcl`, iLO 3 and later), answered the way
 * python-hpilo's recordings of a real iLO3 1.82 show it (reference ilo.md §4):
 *
 * ```
 * HTTP/1.1 200 OK
 * Content-Type: text/xml
 * Transfer-Encoding: chunked
 * Server: Allegro-Software-RomPager/4.62
 * Connection: close
 * ```
 * then the reply documents in chunks whose boundaries fall anywhere, with
 * three-digit chunk sizes (`05a`, `019`).
 *
 * node:http cannot write that: it adds a Date header and writes sizes without
 * leading zeros. So this writes RomPager's bytes verbatim on the connection
 * and closes it, as the recorded reply says (`Connection: close`). The request
 * is still read through node:http. The documents come from the RIBCL session
 * (ribcl.ts), fed the body as it arrives.
 */

export const ROMPAGER_HEADER = [
  'HTTP/1.1 200 OK',
  'Content-Type: text/xml',
  'Transfer-Encoding: chunked',
  'Server: Allegro-Software-RomPager/4.62',
  'Connection: close',
  '',
  '',
].join('\r\n');

/**
 * Chunk sizes, restarted for each document. The first two split a status-only
 * document where the recording does (`…MESSAGE='No` | ` error'…</RIBCL>`,
 * 0x5a + 0x19 bytes) [rec]; the rest are arbitrary, chosen to land inside tags
 * and attribute values [inferred].
 */
export const CHUNK_SIZES: readonly number[] = [0x5a, 0x19, 0x0d, 0x2f, 0x07, 0x41];

const CRLF = Buffer.from('\r\n');

/** One document as RomPager frames it: `hhh\r\n<bytes>\r\n` per piece. */
export function frameDocument(doc: string): Buffer {
  const bytes = Buffer.from(doc, 'utf8');
  const out: Buffer[] = [];
  let at = 0;
  for (let i = 0; at < bytes.length; i++) {
    const size = Math.min(CHUNK_SIZES[i % CHUNK_SIZES.length] ?? 0x40, bytes.length - at);
    out.push(Buffer.from(`${size.toString(16).padStart(3, '0')}\r\n`), bytes.subarray(at, at + size), CRLF);
    at += size;
  }
  return Buffer.concat(out);
}

/** The last chunk. Whether RomPager pads it too (`000`) is [unverified]. */
export const LAST_CHUNK = '0\r\n\r\n';

/**
 * Read the request body into the RIBCL session and write each document as
 * soon as it is complete; the header goes out with the first. When the
 * session is over (its RIBCL closed, or a failed login) the rest of the body
 * is read and ignored; at the end of the body come the last chunk and the
 * close. The `drop-after-login` fault hangs up with no reply at all;
 * `hang-after-login` answers the login and then nothing, the reply never
 * ending; `slow` holds each write `SLOW_MS`, `garbled` turns the documents
 * (not the HTTP framing) into noise.
 */
export function answerRibclOverHttp(
  req: IncomingMessage,
  socket: Duplex,
  session: RibclSession,
  device: IloDevice,
  emit: (e: EmulatorEvent) => void,
  origin: string,
): void {
  let headerSent = false;
  let over = false;
  const paced = new PacedOutput(device.faults);
  const write = (docs: string[]) => {
    if (headerSent && docs.length === 0) return;
    const out = docs.map((doc) => frameDocument(corrupt(device.faults, doc)));
    if (!headerSent) out.unshift(Buffer.from(ROMPAGER_HEADER));
    headerSent = true;
    const bytes = Buffer.concat(out);
    paced.send(() => {
      if (!socket.destroyed) socket.write(bytes);
    });
  };
  socket.once('close', () => {
    paced.clear();
    if (session.user !== null)
      emit({ type: 'logout', origin: `${origin} ${session.user}`, reason: 'connection closed' });
  });
  req.setEncoding('utf8');
  req.on('data', (text: string) => {
    if (over) return;
    const reply = session.feed(text);
    over = reply.end;
    if (over && session.user !== null && device.faults.has('drop-after-login')) {
      socket.destroy();
      return;
    }
    if (reply.documents.length > 0) write(reply.documents);
  });
  req.on('end', () => {
    if (socket.destroyed || session.isHung) return;
    write([]);
    paced.send(() => {
      if (!socket.destroyed) socket.end(LAST_CHUNK);
    });
  });
  req.on('error', () => socket.destroy());
}
