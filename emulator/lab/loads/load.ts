import type { LoadStatus, LoadView } from '../types.js';
import type { GroupGuard } from './group-guard.js';

/**
 * What a plug powers, whatever it is: a process, a command run at each
 * transition, or a node in namespaces of its own. The lab calls these as the
 * plug's state changes; the load reports its life through `onStatus`.
 */
export interface Load {
  readonly kind: LoadView['kind'];
  view(): LoadView;
  /** The plug is ON (the unit's boot delay has passed). */
  powerOn(): void;
  /** The plug is OFF: resolves once every process of the load is gone. */
  powerOff(): Promise<void>;
  /** SIGSTOP to every process: alive, holding its files, answering nothing. */
  freeze(): void;
  thaw(): void;
  /** The lab stops: as powerOff, and nothing is started again. */
  close(): Promise<void>;
}

export interface LoadContext {
  unit: string;
  plug: number;
  /** The lab's state directory (a load keeps its files under `<stateDir>/loads/<unit>-<plug>/`). */
  stateDir: string;
  onStatus(status: LoadStatus, pid?: number): void;
  /** The lab's guard: a load's process group is killed with the lab, however the lab ends. */
  guard?: GroupGuard;
}
