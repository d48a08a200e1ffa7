/**
 * The one interface every driver offers (WTI, APC, iLO). A call returns only
 * after the device has been read back in the wanted state; anything else is a
 * typed error (see errors.ts).
 */
export type PowerState = 'on' | 'off';

/** A plug by number (3, "3") or by name ("mclaws"), or several. A name held by several plugs selects them all. */
export type PlugTarget = number | string | readonly (number | string)[];

export interface PlugInfo {
  plug: number;
  /** null when the device shows no name. */
  name: string | null;
  state: PowerState;
}

export type PlugAction = 'status' | 'on' | 'off' | 'reboot';

export interface PlugResult extends PlugInfo {
  /** What was asked. */
  action: PlugAction;
  /** Whether the device was switched (false for status, and for "already on/off"). */
  changed: boolean;
  /** Milliseconds the whole operation took. */
  ms: number;
}

export interface OperationOptions {
  /** The whole operation's budget, shared by connect, login, command and read-back. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface PowerSwitch {
  status(target: PlugTarget, opts?: OperationOptions): Promise<PlugResult[]>;
  on(target: PlugTarget, opts?: OperationOptions): Promise<PlugResult[]>;
  off(target: PlugTarget, opts?: OperationOptions): Promise<PlugResult[]>;
  reboot(target: PlugTarget, opts?: OperationOptions): Promise<PlugResult[]>;
  list(opts?: OperationOptions): Promise<PlugInfo[]>;
  close(): Promise<void>;
}
