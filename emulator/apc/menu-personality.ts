import type { LoginTexts } from '../login.js';
import type { ApcRole } from './apc-device.js';
import type { BannerFields } from './clock.js';

/**
 * The shape of an APC keystroke-menu personality: every string the card
 * prints, and the tree of screens a role can walk, as data. The session
 * (menu-session.ts) renders from this and never spells a device string itself.
 */

/** What the outlet screens offer. */
export type OutletAction =
  | 'immediate-on'
  | 'immediate-off'
  | 'immediate-reboot'
  | 'delayed-on'
  | 'delayed-off'
  | 'delayed-reboot'
  | 'cancel';

export type ItemTarget = { screen: string } | { action: OutletAction } | { logout: true };

export interface MenuItem {
  label: string;
  to: ItemTarget;
}

/**
 * A screen. `menu`: numbered items. `outlets`: one row per outlet (plus an
 * optional "all" row); choosing a row opens `outlet` for it. `outlet`: a
 * screen about one outlet (or all of them), its title the outlet's name.
 * `info`: fixed lines, nothing to choose.
 */
export type ScreenDef =
  | { kind: 'menu'; title: string; items: readonly MenuItem[]; footer: string }
  | {
      kind: 'outlets';
      title: string;
      footer: string;
      /** The screen for one outlet. */
      outlet: string;
      /** The row after the last outlet, and the screen it opens. */
      all?: { label: string; screen: string };
    }
  | {
      kind: 'outlet';
      /** Default: the outlet's name. */
      title?: string;
      /** Show Name / Outlet / State above the items. */
      fields: boolean;
      items: readonly MenuItem[];
      /** Labels are padded to this width, as the card does on outlet screens. */
      itemWidth: number;
      footer: string;
      /** Text for `?` [unverified]. */
      help?: readonly string[];
    }
  | { kind: 'info'; title: string; lines: readonly string[]; footer: string };

export interface MenuTree {
  top: string;
  screens: Readonly<Record<string, ScreenDef>>;
}

/** The outlet (or all outlets) an action dialog is about. */
export interface ActionTarget {
  /** null: all accessible outlets. */
  number: number | null;
  name: string;
  state: 'ON' | 'OFF';
  /** Seconds, for the delayed commands. */
  delay: number;
}

export interface MenuPersonality {
  readonly id: string;
  /** The firmware this profile follows, and how sure we are of it. */
  readonly follows: string;
  /**
   * User Name and Password: the greeting sent on a telnet connection, the
   * prompts, what follows each line (the name is echoed as typed, the password
   * never), the wrong-password count and the hang-up.
   */
  readonly login: LoginTexts;
  readonly roleLabel: Readonly<Record<ApcRole, string>>;
  banner(f: BannerFields): string;
  tree(role: ApcRole): MenuTree;
  /** Shown for an outlet without a name. */
  unnamed(n: number): string;
  readonly screen: {
    start: string;
    title(text: string): string;
    /** Between the title line and the first body line. */
    afterTitle: string;
    eol: string;
    /** Between the last body line and the footer. */
    beforeFooter: string;
    prompt: string;
    item(key: number | string, label: string): string;
    field(label: string, value: string): string;
    outletRow(n: number, name: string, state: 'ON' | 'OFF'): string;
    allRow(n: number, label: string): string;
  };
  readonly pager: {
    /** Body lines per page. */
    rows: number;
    wait: string;
    erase: string;
  };
  readonly dialog: {
    start: string;
    rule: string;
    title(label: string): string;
    describe(action: OutletAction, target: ActionTarget): readonly string[];
    indent: string;
    confirm: string;
    issued: string;
    pressEnter: string;
    /** After the key that answers "Press <ENTER>", before the screen is redrawn. */
    afterKey: string;
  };
  readonly logout: string;
  /** Longest menu entry kept while typing; a user name or password may be up to `maxLogin`. */
  readonly maxTyped: number;
  readonly maxLogin: number;
}

/** A line of `width` columns: `------- Title ` then dashes. */
export function titleLine(text: string, width: number): string {
  return `------- ${text} `.padEnd(width, '-');
}
