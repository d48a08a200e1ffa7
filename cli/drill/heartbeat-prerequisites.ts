import fs from 'node:fs';
import { HEARTBEAT_BIN } from './heartbeat-config.js';

/**
 * What the heartbeat drill needs from the machine before it touches anything:
 * root (namespaces, a bridge, port 23), Debian's heartbeat and cluster-glue
 * (the wti_nps plugin heartbeat loads), and the tools that make the nodes.
 */
export type PrerequisiteCode = 'ENOTROOT' | 'EMISSING';

export class PrerequisiteError extends Error {
  constructor(
    readonly code: PrerequisiteCode,
    message: string,
  ) {
    super(message);
    this.name = 'PrerequisiteError';
  }
}

const NEEDED: ReadonlyArray<{ path: string; package: string }> = [
  { path: HEARTBEAT_BIN, package: 'heartbeat' },
  { path: '/usr/lib/stonith/plugins/stonith2/wti_nps.so', package: 'cluster-glue' },
  { path: '/usr/bin/unshare', package: 'util-linux' },
  { path: '/usr/bin/nsenter', package: 'util-linux' },
  { path: '/usr/bin/setpriv', package: 'util-linux' },
  { path: '/usr/sbin/ip', package: 'iproute2' },
];

/** The missing files, each with the Debian package that brings it. */
export function missingForHeartbeat(exists: (path: string) => boolean = fs.existsSync): string[] {
  return NEEDED.filter((n) => !exists(n.path)).map((n) => `${n.path} (apt-get install ${n.package})`);
}

/** Throws PrerequisiteError naming what is missing, or returns. */
export function checkHeartbeatPrerequisites(): void {
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    throw new PrerequisiteError('ENOTROOT', 'the heartbeat drill needs root (namespaces, a bridge, port 23)');
  }
  const missing = missingForHeartbeat();
  if (missing.length > 0) {
    throw new PrerequisiteError('EMISSING', `the heartbeat drill needs ${missing.join(', ')}`);
  }
}
