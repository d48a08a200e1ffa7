/**
 * An API failure as the client sees it: an HTTP status and the body
 * `{ "error": { "code", "message" } }`. The lab's own errors (LabError) carry
 * a stable code; this maps each code to its status, so no handler decides a
 * status by reading a message.
 */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Headers the status calls for (Allow on a 405, Connection: close on a 413). */
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/** The lab's error codes (emulator/lab/lab-error.ts) and the status each one means. */
const LAB_CODE_STATUS: Record<string, number> = {
  ENOUNIT: 404,
  ENOPLUG: 404,
  ENOFAULT: 404,
  // The plug exists but nothing runs on it: the request is valid, the state says no.
  ENOLOAD: 409,
  EBADREQUEST: 400,
  EUSAGE: 400,
};

/**
 * Any error thrown while handling a request, as an HttpError. An error the
 * lab did not name is a bug: the client gets a 500 with a fixed message (the
 * original may quote things the client should not see), the server's `onError`
 * gets the error itself.
 */
export function toHttpError(err: unknown): HttpError {
  if (err instanceof HttpError) return err;
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && code in LAB_CODE_STATUS && err instanceof Error) {
    return new HttpError(LAB_CODE_STATUS[code] ?? 400, code, err.message);
  }
  return new HttpError(500, 'EINTERNAL', 'the lab failed to carry out the request (see its log)');
}
