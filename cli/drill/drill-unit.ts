import type { LoadSpec } from '../../emulator/lab/types.js';

/** A node a drill's WTI unit powers: its plug, and what its node load boots. */
export interface PoweredNode {
  name: string;
  plug: number;
  /** On the lab link, without the prefix (a /24). */
  address: string;
  /** The command that boots the node's stack inside its namespaces. */
  boot: string;
  /** Host directories the node sees read-write (the configuration, the shared disk). */
  shared: string[];
  /** More plugs in series with this one (`alsoFedBy`, a second fencing level). */
  alsoFedBy?: string[];
}

/**
 * The lab unit of every drill: an emulated IPS-800 whose plugs power the
 * cluster's nodes (node loads), each plug named after its node.
 */
export function drillWtiUnit(opts: {
  name: string;
  listen: string;
  passwordFile: string;
  bootDelay?: number;
  nodes: PoweredNode[];
}): Record<string, unknown> {
  return {
    name: opts.name,
    model: 'ips800',
    listen: opts.listen,
    passwordFile: opts.passwordFile,
    ...(opts.bootDelay !== undefined ? { bootDelay: opts.bootDelay } : {}),
    // One session at a time: a node frozen in the middle of its fencer's monitor or status
    // check would hold it for ever, and the survivor's fence would be refused. A real unit's
    // disconnect timeout ends such a session; 5 s keeps the drill short.
    idleTimeout: 5,
    plugs: opts.nodes.map((n) => ({ number: n.plug, name: n.name })),
    loads: Object.fromEntries(
      opts.nodes.map((n): [string, LoadSpec] => [
        String(n.plug),
        {
          node: { hostname: n.name, address: `${n.address}/24`, boot: n.boot, shared: n.shared },
          ...(n.alsoFedBy ? { alsoFedBy: n.alsoFedBy } : {}),
        },
      ]),
    ),
  };
}
