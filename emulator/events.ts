/**
 * Everything the emulator reports: plug changes and settings from the device
 * model, sessions from the front-ends. The console view, the log and the state
 * file all subscribe here, so no front-end or model writes to any of them.
 */
export type PlugState = 'ON' | 'OFF';

export type EmulatorEvent =
  /** `by` is `<protocol> <peer>` (telnet 127.0.0.1:40112, serial /dev/pts/3, snmp …, api, lab); `user` where the session knows it. */
  | { type: 'plug'; plug: number; name: string | null; state: PlugState; by: string; user?: string }
  /** A switching command the unit acknowledged but did not carry out (a stuck relay). */
  | { type: 'switch-ignored'; plug: number; requested: PlugState; by: string; user?: string; reason: string }
  | { type: 'setting'; what: string; plug?: number; by: string }
  | { type: 'login'; origin: string; mode: 'admin' | 'user'; user?: string }
  | { type: 'login-failed'; origin: string }
  | { type: 'logout'; origin: string; reason: string }
  | { type: 'refused'; origin: string; reason: string }
  | { type: 'listening'; frontEnd: string; address: string };

export type Timestamped = EmulatorEvent & { time: Date };

export type EventListener = (event: Timestamped) => void;

export class EventBus {
  private readonly listeners = new Set<EventListener>();
  private readonly history: Timestamped[] = [];

  constructor(private readonly keep = 50) {}

  emit(event: EmulatorEvent): void {
    const stamped = { ...event, time: new Date() } as Timestamped;
    this.history.push(stamped);
    if (this.history.length > this.keep) this.history.shift();
    for (const listener of this.listeners) listener(stamped);
  }

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  recent(count: number): Timestamped[] {
    return this.history.slice(-count);
  }
}

/** The names the menus show for the settings an event reports. */
const SETTING_LABELS: Record<string, string> = {
  name: 'plug name',
  password: 'plug password',
  bootDelayMs: 'boot/sequence delay',
  powerUpDefault: 'power-up default',
  systemPassword: 'system password',
  siteId: 'site ID',
  confirm: 'command confirmation',
  automated: 'automated mode',
  disconnectTimeout: 'disconnect timeout',
};

/** One line per event, for logs and the console view. Never carries a secret. */
export function describeEvent(e: EmulatorEvent): string {
  switch (e.type) {
    case 'plug':
      return `plug ${e.plug}${e.name ? ` (${e.name})` : ''} ${e.state} by ${e.by}`;
    case 'switch-ignored':
      return `plug ${e.plug} ${e.requested} asked by ${e.by} but not carried out (${e.reason})`;
    case 'setting':
      return `${SETTING_LABELS[e.what] ?? e.what}${e.plug ? ` of plug ${e.plug}` : ''} changed by ${e.by}`;
    case 'login':
      return `login (${e.mode}) from ${e.origin}`;
    case 'login-failed':
      return `wrong password from ${e.origin}`;
    case 'logout':
      return `logout of ${e.origin} (${e.reason})`;
    case 'refused':
      return `refused connection from ${e.origin} (${e.reason})`;
    case 'listening':
      return `listening on ${e.address} (${e.frontEnd})`;
  }
}
