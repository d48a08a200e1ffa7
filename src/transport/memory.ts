import { type ByteStream, type ByteStreamHandlers, StreamInbox } from './byte-stream.js';

/**
 * Two byte streams joined back to back, in memory: a driver on one end, an
 * emulator personality on the other, no sockets. Delivery is asynchronous
 * (a microtask later), as on a real line.
 */
export function memoryPair(description = 'memory'): [ByteStream, ByteStream] {
  const inboxes = [new StreamInbox(), new StreamInbox()] as const;
  let closed = false;
  const end = (i: 0 | 1): ByteStream => {
    const other = inboxes[i === 0 ? 1 : 0];
    return {
      description,
      write: (bytes) => {
        if (closed) return;
        const copy = Uint8Array.from(bytes);
        queueMicrotask(() => other.data(copy));
      },
      attach: (handlers: ByteStreamHandlers) => inboxes[i].attach(handlers),
      close: async () => {
        if (closed) return;
        closed = true;
        queueMicrotask(() => {
          inboxes[0].end();
          inboxes[1].end();
        });
      },
    };
  };
  return [end(0), end(1)];
}
