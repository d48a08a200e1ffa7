import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { HttpError } from './http-error.js';

/**
 * The admin token. A request carries it as `Authorization: Bearer TOKEN`, or
 * as `?token=TOKEN` where it cannot set a header (the browser's EventSource).
 * The comparison runs over SHA-256 digests with timingSafeEqual: equal
 * lengths whatever was sent, and no early exit on the first differing byte.
 * The token itself is never kept in an actor, an event or a log line; what
 * the lab records is its name.
 */
export class TokenCheck {
  private readonly digest: Buffer | null;

  constructor(
    token: string | undefined,
    /** What actors carry for a request that presented the token ("admin"). */
    readonly name: string,
  ) {
    this.digest = token === undefined ? null : sha256(token);
  }

  get required(): boolean {
    return this.digest !== null;
  }

  /**
   * The token's name when the request carries the right token, undefined when
   * no token is configured; a 401 otherwise.
   */
  check(req: IncomingMessage, url: URL): string | undefined {
    if (this.digest === null) return undefined;
    const presented = bearer(req.headers.authorization) ?? url.searchParams.get('token');
    if (presented === null || presented === undefined) {
      throw new HttpError(401, 'EUNAUTHORIZED', 'this lab requires its admin token (Authorization: Bearer TOKEN)');
    }
    if (!timingSafeEqual(sha256(presented), this.digest)) {
      throw new HttpError(401, 'EUNAUTHORIZED', 'the admin token is not the one this lab was given');
    }
    return this.name;
  }
}

function bearer(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1] ?? '';
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}
