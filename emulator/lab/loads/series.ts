import type { LoadView } from '../types.js';
import type { Load } from './load.js';

/**
 * One load behind several plugs in series: it has power only while every one
 * of them is ON. A server is fed by a PDU outlet and switched by its own iLO:
 * the outlet's OFF or the iLO's power-off each take it down, and it runs
 * again only once both are ON. That is what a second fencing level needs, two
 * devices that can each cut the same node.
 *
 * The lab gives each plug its own feed (a Load); the feeds share the load.
 * Freeze, thaw and the view go to the load whichever plug is asked.
 */
export class SeriesLoad {
  private readonly on: boolean[];
  private closing: Promise<void> | null = null;

  constructor(
    private readonly load: Load,
    feedCount: number,
    /** `UNIT:PLUG` of the plug the load is declared on. */
    private readonly declaredOn: string,
  ) {
    this.on = new Array<boolean>(feedCount).fill(false);
  }

  /**
   * The plug at `index` (0: the plug the load is declared on, `declaredOn`; then its
   * `alsoFedBy` in order, whose views name `declaredOn` so that the load is counted once).
   */
  feed(index: number): Load {
    const series = this;
    const load = this.load;
    const declaredOn = this.declaredOn;
    return {
      kind: load.kind,
      view: (): LoadView => (index === 0 ? load.view() : { ...load.view(), declaredOn }),
      powerOn() {
        series.on[index] = true;
        if (series.on.every(Boolean)) load.powerOn();
      },
      powerOff() {
        series.on[index] = false;
        return load.powerOff();
      },
      freeze: () => load.freeze(),
      thaw: () => load.thaw(),
      // Every feed is closed when the lab stops: the load once.
      close: () => {
        series.closing ??= load.close();
        return series.closing;
      },
    };
  }
}
