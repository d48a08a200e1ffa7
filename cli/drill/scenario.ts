import type { DrillCluster } from './lab-cluster.js';
import type { DrillResult, TimelineEntry } from './timeline.js';

/**
 * A drill scenario: given a running two-node cluster (or, for a scenario
 * that brings its own stack, nothing but the options), it acts, watches, and
 * returns what it saw and its verdict. Scenarios register by name
 * (registry.ts); `fencekit drill <name>` runs one.
 */
export interface ScenarioContext {
  /** The Pacemaker cluster on lab nodes (null for a scenario with `ownStack`). */
  cluster: DrillCluster | null;
  options: DrillOptions;
  /** Progress for a person watching (stderr), never part of the result. */
  say(line: string): void;
  /** Aborted on SIGINT or SIGTERM: a scenario with its own stack stops it. */
  signal: AbortSignal;
}

export interface DrillOptions {
  /** How the cluster fences: fence_wti (the real client), fence_fencekit, or the cluster-glue plugins. */
  fence: 'wti' | 'fencekit' | 'stonith';
  /** The lab link's first three octets. */
  subnet: string;
  keep: boolean;
  /** How the victim fails, for a scenario that offers a choice (`--failure`; one of its `failures`). */
  failure?: string;
}

export interface Scenario {
  name: string;
  /** One line for --help and the docs. */
  summary: string;
  /** The scenario starts its own cluster stack (heartbeat), not the Pacemaker one. */
  ownStack?: boolean;
  /** The cluster has a second fencing level: each node's iLO, after its WTI plug (lab-cluster.ts). */
  secondLevel?: boolean;
  /** The failures `--failure` may choose, the default first; a scenario without them refuses the flag. */
  failures?: readonly string[];
  /** What the scenario needs beyond a node load (packages): throws a NodeLoadError naming it. */
  checkPrerequisites?(): Promise<void>;
  run(ctx: ScenarioContext): Promise<DrillResult>;
}

/** Builds a timeline against one start time. */
export class Timeline {
  readonly entries: TimelineEntry[] = [];
  constructor(readonly t0: number = Date.now()) {}
  add(what: string, atEpochMs: number = Date.now(), node?: string, detail?: string): TimelineEntry {
    const entry: TimelineEntry = {
      atMs: Math.round(atEpochMs - this.t0),
      what,
      ...(node !== undefined ? { node } : {}),
      ...(detail !== undefined ? { detail } : {}),
    };
    this.entries.push(entry);
    return entry;
  }
  sorted(): TimelineEntry[] {
    return [...this.entries].sort((a, b) => a.atMs - b.atMs);
  }
}

/** The Pacemaker cluster a scenario without its own stack runs against. */
export function pacemakerCluster(ctx: ScenarioContext): DrillCluster {
  if (!ctx.cluster) throw new Error('this scenario needs the Pacemaker cluster');
  return ctx.cluster;
}

/** A scenario's result: it passes when it found no reason to fail. */
export function drillResult(scenario: string, reasons: string[], timeline: Timeline): DrillResult {
  return { scenario, verdict: reasons.length === 0 ? 'pass' : 'fail', reasons, timeline: timeline.sorted() };
}
