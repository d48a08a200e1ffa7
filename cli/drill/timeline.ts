/** What a drill saw, in order, and what it concluded: printed as a table, or as JSON for CI. */
export interface TimelineEntry {
  /** Milliseconds since the drill's scenario started. */
  atMs: number;
  /** failure, detected, fence-requested, plug-off, plug-on, resource-started, resource-stopped, node-gone, note, … */
  what: string;
  node?: string;
  detail?: string;
}

export interface DrillResult {
  scenario: string;
  verdict: 'pass' | 'fail';
  /** Why it failed (empty when it passed), one line each. */
  reasons: string[];
  timeline: TimelineEntry[];
}
