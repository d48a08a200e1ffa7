/**
 * The shared-disk check: reads the diskwriter's log (ocf-agent.ts) and proves
 * that no two nodes ever wrote in overlapping intervals. A run of a node is
 * from its `start` line to its `stop` line, or to its last write when it was
 * killed; two runs of different nodes must not overlap.
 */
export interface WriteRun {
  node: string;
  /** Epoch milliseconds of the start line (or first write). */
  startMs: number;
  /** Epoch milliseconds of the last write, or of the stop line. */
  endMs: number;
  writes: number;
  /** It ended with a `stop` line (false: killed, or still running). */
  stopped: boolean;
}

export function parseRuns(text: string): WriteRun[] {
  const open = new Map<string, WriteRun>();
  const runs: WriteRun[] = [];
  for (const line of text.split('\n')) {
    const [node, what, at] = line.trim().split(/\s+/);
    const ms = Number(at);
    if (!node || !what || !Number.isFinite(ms)) continue;
    let run = open.get(node);
    if (what === 'start' || !run) {
      run = { node, startMs: ms, endMs: ms, writes: 0, stopped: false };
      open.set(node, run);
      runs.push(run);
    }
    if (what === 'write') {
      run.writes++;
      run.endMs = Math.max(run.endMs, ms);
    } else if (what === 'stop') {
      run.endMs = Math.max(run.endMs, ms);
      run.stopped = true;
      open.delete(node);
    }
  }
  return runs;
}

/** One line per pair of runs of different nodes that overlap; empty when the disk is clean. */
export function overlaps(runs: WriteRun[]): string[] {
  const found: string[] = [];
  for (let i = 0; i < runs.length; i++) {
    for (let j = i + 1; j < runs.length; j++) {
      const a = runs[i] as WriteRun;
      const b = runs[j] as WriteRun;
      if (a.node === b.node) continue;
      if (a.startMs <= b.endMs && b.startMs <= a.endMs) {
        found.push(
          `${a.node} wrote from ${iso(a.startMs)} to ${iso(a.endMs)} while ${b.node} wrote from ${iso(b.startMs)} to ${iso(b.endMs)}`,
        );
      }
    }
  }
  return found;
}

const iso = (ms: number) => new Date(ms).toISOString().slice(11, 23);
