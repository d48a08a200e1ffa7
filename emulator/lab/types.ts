import type { PlugState } from '../events.js';

/**
 * The lab's shared vocabulary: what the lab core, the loads, the admin API,
 * the live page and the drills all speak. It holds types only, so any of
 * them can import it without loading another.
 */

/** Who switched a plug or changed a fault: a protocol session, the admin API, or the lab itself. */
export interface Actor {
  /** telnet, serial, ssh, snmp, https, redfish, ribcl, api, lab (the lab's own start-up and stop). */
  protocol: string;
  /** HOST:PORT of the peer, or the serial line's path. */
  peer?: string;
  /** The user the session logged in as (APC, iLO), or the mode (WTI: admin, user). */
  user?: string;
  /** The admin API token's name (never the token itself). */
  token?: string;
}

/** What a load is. */
export type LoadKindSpec =
  /** A command (run by /bin/sh -c) that lives while the plug is ON, in a process group of its own. */
  | { process: string; cwd?: string; env?: Record<string, string> }
  /** A command run at each transition, with FENCEKIT_UNIT, FENCEKIT_PLUG, FENCEKIT_STATE (on/off) in its environment. */
  | { exec: string; cwd?: string; env?: Record<string, string> }
  /** A Linux node in namespaces of its own (issue 13): booted on ON, its PID namespace ended on OFF. */
  | { node: NodeLoadSpec };

/** What runs on a plug: a load is powered by it. */
export type LoadSpec = LoadKindSpec & {
  /**
   * Other plugs in series with the load's own, as `UNIT:PLUG` (a server behind a PDU outlet
   * and its iLO): the load has power only while every one of them is ON.
   */
  alsoFedBy?: string[];
};

export interface NodeLoadSpec {
  hostname: string;
  /** ADDRESS/PREFIX on the lab link, from 127.0.0.0/8 (route_localnet is set on the link). */
  address: string;
  /** The command that boots the node's stack inside its namespaces (for example a script starting corosync and pacemakerd). */
  boot: string;
  /** Host directories the node sees at the same path, read-write (the shared disk). */
  shared?: string[];
}

/**
 * A load's life as the page shows it: off (plug OFF), starting (ON, within the boot
 * delay), alive, frozen (SIGSTOP: alive, answering nothing), crashed (exited by
 * itself while the plug is ON), dead (killed by a power cut; shown until the next ON).
 */
export type LoadStatus = 'off' | 'starting' | 'alive' | 'frozen' | 'crashed' | 'dead';

export interface LoadView {
  kind: 'process' | 'exec' | 'node';
  status: LoadStatus;
  /** Process group leader (process, node), while it runs. */
  pid?: number;
  /** Exit code or signal of the last run, when it has ended. */
  exit?: { code: number | null; signal: string | null };
  /** On a plug listed in another's `alsoFedBy`: that plug, `UNIT:PLUG`, where the load is declared (and counted). */
  declaredOn?: string;
}

export interface PlugView {
  unit: string;
  plug: number;
  name: string | null;
  state: PlugState;
  load?: LoadView;
  /** The last one to switch it (null until someone does). */
  lastActor: Actor | null;
}

export interface UnitView {
  name: string;
  model: string;
  /** WTI, APC, iLO. */
  family: string;
  /** How to reach it: one line per front-end, with the real clients' command lines. */
  reach: string[];
  /** Active faults, in the lab's vocabulary. */
  faults: string[];
  /** Faults this unit can take. */
  knownFaults: string[];
  plugs: PlugView[];
  /** Sessions open now. */
  sessions: number;
}

/** Every event the lab reports, in one stream with an increasing id (the SSE id). */
export type LabEvent = { id: number; time: string } & (
  | { type: 'plug'; unit: string; plug: number; name: string | null; from: PlugState; to: PlugState; actor: Actor }
  /** A switching command the unit took but did not carry out (stuck relay). */
  | { type: 'switch-ignored'; unit: string; plug: number; requested: PlugState; actor: Actor; reason: string }
  | { type: 'load'; unit: string; plug: number; status: LoadStatus; pid?: number }
  | { type: 'fault'; unit: string; fault: string; active: boolean; actor: Actor }
  | {
      type: 'session';
      unit: string;
      what: 'login' | 'login-failed' | 'logout' | 'refused';
      actor: Actor;
      reason?: string;
    }
  | { type: 'lab'; what: 'started' | 'stopping' }
);

/** One line of the audit log (JSON Lines, in the state directory). */
export interface AuditRecord {
  time: string;
  unit: string;
  plug: number;
  from: PlugState;
  to: PlugState;
  actor: Actor;
  /** ok: the plug changed; ignored: the unit acknowledged but the relay did not move (stuck relay). */
  result: 'ok' | 'ignored';
}
