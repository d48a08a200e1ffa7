import { checkNodeSupport, NodeLoadError } from '../../emulator/lab/loads/node-load.js';

/**
 * Node loads (and the drills) need root, unshare and ip, and a kernel that
 * grants new namespaces: required in CI; elsewhere their absence skips, loudly.
 * `also` names further programs the test needs (Corosync, Pacemaker, fence_wti).
 */
export async function nodePeer(also: string[] = []): Promise<{ available: boolean; skipReason?: string }> {
  let reason: string | undefined;
  try {
    await checkNodeSupport();
    const fs = await import('node:fs');
    const missing = also.filter((p) => !fs.existsSync(p));
    if (missing.length > 0) reason = `${missing.join(', ')} not installed`;
  } catch (err) {
    if (!(err instanceof NodeLoadError)) throw err;
    reason = err.message;
  }
  if (reason === undefined) return { available: true };
  if (process.env.CI === 'true') throw new Error(`CI: required peer missing: ${reason}`);
  process.stderr.write(`\n*** SKIPPING node-load tests: ${reason} ***\n\n`);
  return { available: false, skipReason: reason };
}
