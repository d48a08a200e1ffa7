import { HttpError } from './http-error.js';

/**
 * The route table's matcher: paths written as OpenAPI writes them
 * (`/api/units/{unit}`), so the table and the OpenAPI document can be compared
 * as they are (test/integration/lab-api-document.test.ts). A path that
 * exists under another method is a 405 with `Allow`, one that exists under no
 * method a 404.
 */
export interface Route<H> {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** OpenAPI path template. */
  path: string;
  /** Open to anyone who reaches the port (the page, the health check, the document); every other route takes the token. */
  public?: boolean;
  handler: H;
}

export interface Match<H> {
  route: Route<H>;
  params: Record<string, string>;
}

export class Router<H> {
  private readonly compiled: { route: Route<H>; segments: string[] }[];

  constructor(readonly routes: readonly Route<H>[]) {
    this.compiled = routes.map((route) => ({ route, segments: split(route.path) }));
  }

  match(method: string, pathname: string): Match<H> {
    const segments = split(pathname);
    const allowed: string[] = [];
    for (const { route, segments: pattern } of this.compiled) {
      const params = matchSegments(pattern, segments);
      if (params === null) continue;
      if (route.method === method) return { route, params };
      allowed.push(route.method);
    }
    if (allowed.length > 0) {
      throw new HttpError(405, 'EMETHOD', `${method} is not allowed on ${pathname}`, { allow: allowed.join(', ') });
    }
    throw new HttpError(404, 'ENOROUTE', `no such resource: ${pathname}`);
  }
}

function split(path: string): string[] {
  return path === '/' ? [''] : path.replace(/^\//, '').split('/');
}

function matchSegments(pattern: string[], actual: string[]): Record<string, string> | null {
  if (pattern.length !== actual.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const want = pattern[i] as string;
    const got = actual[i] as string;
    if (want.startsWith('{') && want.endsWith('}')) {
      if (got === '') return null;
      params[want.slice(1, -1)] = decode(got);
    } else if (want !== got) {
      return null;
    }
  }
  return params;
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new HttpError(400, 'EBADREQUEST', `malformed percent-encoding in the path: ${segment}`);
  }
}
