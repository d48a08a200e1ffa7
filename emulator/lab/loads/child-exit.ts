import type { ChildProcess } from 'node:child_process';

/**
 * Resolves once `child` has exited, or after `ms` at the latest: true when it
 * exited. A power cut sends SIGKILL, which ends any process but one stuck in
 * the kernel (a hung mount); the wait is bounded so that the lab's stop and
 * the next ON are never held by one.
 */
export function childExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      child.off('exit', onExit);
      resolve(false);
    }, ms);
    const onExit = () => {
      clearTimeout(timer);
      resolve(true);
    };
    child.once('exit', onExit);
  });
}
