import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES } from '../../emulator/lab/admin/handlers.js';
import { LAB_API_DOCUMENT } from '../../emulator/lab/admin/openapi-document.js';
import { type AdminServer, startAdminServer } from '../../emulator/lab/admin/server.js';
import { FakeLab } from '../helpers/fake-lab.js';

/**
 * docs/lab-api.json is the hand-written OpenAPI document; the server serves
 * the module generated from it. This file checks the two are the same, that
 * every served route is in the document and every documented one is served.
 * Regenerate the module with FENCEKIT_WRITE_LAB_API=1. Address 127.0.8.5–6.
 */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const DOC_FILE = path.join(root, 'docs/lab-api.json');
const MODULE_FILE = path.join(root, 'emulator/lab/admin/openapi-document.ts');
const source = JSON.parse(fs.readFileSync(DOC_FILE, 'utf8')) as typeof LAB_API_DOCUMENT;

if (process.env.FENCEKIT_WRITE_LAB_API === '1') {
  const header = [
    '/**',
    ' * The OpenAPI document of the admin API, as served at /openapi.json.',
    ' * Generated from docs/lab-api.json (the hand-written source): do not edit.',
    ' * After changing that file: FENCEKIT_WRITE_LAB_API=1 npx vitest run test/integration/lab-api-document.test.ts',
    ' * (then npx biome check --write on this file).',
    ' */',
  ].join('\n');
  fs.writeFileSync(
    MODULE_FILE,
    `${header}\nexport const LAB_API_DOCUMENT = ${JSON.stringify(source, null, 2)} as const;\n`,
  );
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];

function documented(doc: { paths: Record<string, object> }): string[] {
  return Object.entries(doc.paths).flatMap(([p, item]) =>
    Object.keys(item)
      .filter((k) => METHODS.includes(k))
      .map((m) => `${m.toUpperCase()} ${p}`),
  );
}

/** Every $ref in the document, to check each points at something. */
function refs(value: unknown, found: string[] = []): string[] {
  if (Array.isArray(value)) for (const v of value) refs(v, found);
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === '$ref' && typeof v === 'string') found.push(v);
      else refs(v, found);
    }
  }
  return found;
}

describe('the OpenAPI document', () => {
  let lab: FakeLab;
  let server: AdminServer;
  beforeAll(async () => {
    lab = await FakeLab.start([{ name: 'wti-a', listen: '127.0.8.5:0', password: 'secret' }]);
    server = await startAdminServer(lab, { listen: '127.0.8.6:0' });
  });
  afterAll(async () => {
    await server?.close();
    await lab?.stop();
  });

  it('served at /openapi.json is docs/lab-api.json', async () => {
    expect(LAB_API_DOCUMENT, 'regenerate with FENCEKIT_WRITE_LAB_API=1').toEqual(source);
    const res = await fetch(new URL('/openapi.json', server.url));
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await res.json()).toEqual(source);
  });

  it('describes every route the server answers, and no other', () => {
    const served = ROUTES.map((r) => `${r.method} ${r.path}`).sort();
    expect(documented(source).sort()).toEqual(served);
  });

  it('marks as public exactly the routes that take no token', () => {
    for (const route of ROUTES) {
      const operation = (source.paths as Record<string, Record<string, { security?: readonly unknown[] }>>)[
        route.path
      ]?.[route.method.toLowerCase()];
      expect(operation?.security?.length === 0, `${route.method} ${route.path}`).toBe(route.public === true);
    }
  });

  it('has a target for every $ref', () => {
    for (const ref of refs(source)) {
      const target = ref
        .replace(/^#\//, '')
        .split('/')
        .reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], source);
      expect(target, ref).toBeDefined();
    }
  });

  it('is OpenAPI 3.1 with the schemas of the lab types', () => {
    expect(source.openapi).toBe('3.1.0');
    for (const name of ['UnitView', 'PlugView', 'LoadView', 'Actor', 'LabEvent', 'Error']) {
      expect(Object.keys(source.components.schemas)).toContain(name);
    }
  });
});
