import type { LoadSpec, NodeLoadSpec } from '../types.js';
import { ExecLoad } from './exec-load.js';
import type { Load, LoadContext } from './load.js';
import { ProcessLoad } from './process-load.js';

export type { Load, LoadContext } from './load.js';

/**
 * The load a spec describes. A node (issue 13: a Linux node in namespaces of
 * its own) is the drills' module, loaded only for a lab that has one.
 */
export async function createLoad(spec: LoadSpec, ctx: LoadContext): Promise<Load> {
  if ('process' in spec) return new ProcessLoad(spec, ctx);
  if ('exec' in spec) return new ExecLoad(spec, ctx);
  const { NodeLoad } = (await import(
    // biome-ignore lint/suspicious/noTsIgnore: node-load.ts is the drills' file; until it is merged the import has no target to type-check.
    // @ts-ignore
    './node-load.js'
  )) as { NodeLoad: new (spec: NodeLoadSpec, ctx: LoadContext) => Load };
  return new NodeLoad(spec.node, ctx);
}
