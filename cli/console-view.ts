import { describeEvent, type EventBus } from '../emulator/events.js';
import type { PlugTable } from '../emulator/unit-kind.js';
import { colourWanted } from './colour.js';

/**
 * The live view shown when the emulator runs on a terminal: the plug table and
 * the last events, redrawn as they happen (at most every 50 ms).
 */
export class ConsoleView {
  private timer: NodeJS.Timeout | undefined;
  private unsubscribe: (() => void) | undefined;

  constructor(
    private readonly bank: PlugTable,
    private readonly title: string,
    private readonly bus: EventBus,
    private readonly out: NodeJS.WriteStream,
    private readonly header: string[],
    /** ANSI colours for the states; off under NO_COLOR. */
    private readonly colour: boolean = colourWanted(),
  ) {}

  start(): void {
    this.unsubscribe = this.bus.subscribe(() => this.schedule());
    this.out.on('resize', () => this.schedule());
    this.draw();
  }

  stop(): void {
    this.unsubscribe?.();
    clearTimeout(this.timer);
    this.draw();
  }

  private schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.draw();
    }, 50);
  }

  render(): string {
    const rows = this.bank.all().map((o) => {
      const word = o.state === 'ON' ? 'ON ' : 'OFF';
      const state = this.colour ? `\x1b[${o.state === 'ON' ? 32 : 31}m${word}\x1b[0m` : word;
      return `  ${String(o.number).padStart(2)}  ${(o.name ?? '(undefined)').padEnd(16)}  ${state}  ${String(o.bootDelayMs / 1000).padStart(4)} s`;
    });
    const events = this.bus
      .recent(Math.max(3, (this.out.rows ?? 24) - rows.length - this.header.length - 8))
      .map((e) => `  ${e.time.toISOString().slice(11, 23)}  ${describeEvent(e)}`);
    return [
      ...this.header,
      '',
      `  ${this.title}`,
      '',
      '  plug  name              state  delay',
      ...rows,
      '',
      '  last events',
      ...events,
      '',
    ].join('\n');
  }

  private draw(): void {
    this.out.write(`\x1b[H\x1b[2J${this.render()}`);
  }
}
