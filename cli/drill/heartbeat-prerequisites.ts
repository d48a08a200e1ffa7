import fs from 'node:fs';
import { checkNodeSupport, NodeLoadError } from '../../emulator/lab/loads/node-load.js';
import { HEARTBEAT_BIN } from './heartbeat-config.js';

/**
 * What the heartbeat drill needs from the machine before it touches anything:
 * what every node load needs (root, unshare, ip, a kernel that grants
 * namespaces: NodeLoadError ENOTROOT, EMISSING, ENONS), plus Debian's
 * heartbeat, cluster-glue (the wti_nps plugin heartbeat loads) and nsenter.
 */
const NEEDED: ReadonlyArray<{ path: string; package: string }> = [
  { path: HEARTBEAT_BIN, package: 'heartbeat' },
  { path: '/usr/lib/stonith/plugins/stonith2/wti_nps.so', package: 'cluster-glue' },
  { path: '/usr/bin/nsenter', package: 'util-linux' },
];

/** The missing files, each with the Debian package that brings it. */
export function missingForHeartbeat(exists: (path: string) => boolean = fs.existsSync): string[] {
  return NEEDED.filter((n) => !exists(n.path)).map((n) => `${n.path} (apt-get install ${n.package})`);
}

/** Throws a NodeLoadError (ENOTROOT, EMISSING, ENONS) naming what is missing, or returns. */
export async function checkHeartbeatPrerequisites(): Promise<void> {
  await checkNodeSupport();
  const missing = missingForHeartbeat();
  if (missing.length > 0) {
    throw new NodeLoadError('EMISSING', `the heartbeat drill needs ${missing.join(', ')}`);
  }
}
