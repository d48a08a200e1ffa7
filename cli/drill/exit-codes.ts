/**
 * `fencekit drill` exit statuses (docs/drills.md has the same table).
 * 69 and 77 follow sysexits.h: the service is unavailable (this kernel
 * refuses namespaces), or the permission or software is missing.
 */
export const DRILL_EXIT = {
  pass: 0,
  fail: 1,
  usage: 64,
  /** The drill itself broke before a verdict (the cluster never came up). */
  setup: 70,
  noNamespaces: 69,
  notRootOrMissing: 77,
} as const;
