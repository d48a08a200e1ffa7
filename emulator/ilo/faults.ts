import { ILO_FAULT_ALIASES, type IloFault } from './generations.js';

/**
 * The iLO's fault switches. The lab adds and removes names while the unit
 * runs; each front-end reads the set at each connection, request or reply,
 * so a change takes effect on the next one. `slow` and `garbled` act as on
 * every unit (emulator/fault-effects.ts); each front-end chooses what it
 * garbles (an HTTP reply keeps its status line and chunk framing). What each
 * protocol's client sees is in docs/ilo.md §6.2.
 */

/** A set of faults that files an older name under the current one (`stuck-power` → `stuck-relay`). */
export class IloFaultSet extends Set<IloFault> {
  override add(fault: IloFault): this {
    return super.add(canonical(fault));
  }

  override has(fault: IloFault): boolean {
    return super.has(canonical(fault));
  }

  override delete(fault: IloFault): boolean {
    return super.delete(canonical(fault));
  }
}

function canonical(fault: IloFault): IloFault {
  return ILO_FAULT_ALIASES[fault] ?? fault;
}
