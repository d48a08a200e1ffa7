import type { WtiPersonality } from './personality.js';
import { STATUS_COLUMNS } from './personality.js';
import type { WtiDevice } from './wti-device.js';

/** Screens of the WTI menu, rendered from the personality. Every line ends CR LF, as on the unit. */
const EOL = '\r\n';

export function banner(device: WtiDevice): string {
  const p = device.personality;
  return `${p.product} ${p.firmware}${p.bannerGap}${p.siteLabel}: ${device.siteId ?? p.text.undefinedValue}`;
}

/** A delay as the Boot/Seq. Delay column shows it: the number right-aligned in 8, then " Secs". */
export function formatDelay(seconds: number): string {
  return `${String(seconds).padStart(8)} Secs`;
}

function cell(text: string, width: number): string {
  return ` ${text}`.padEnd(width).slice(0, width);
}

/**
 * The /S screen. The bare line after the closing rule is required: wti_nps
 * stops reading rows at the first line of two characters or fewer.
 */
export function statusScreen(device: WtiDevice, visible: ReadonlySet<number> | null): string {
  const t = device.personality.text;
  const rule = `${STATUS_COLUMNS.map((c) => '-'.repeat(c.width)).join('+')}+`;
  const header = `${STATUS_COLUMNS.map((c) => c.title.padEnd(c.width)).join('|')}|`;
  const rows = device.bank
    .all()
    .filter((o) => visible === null || visible.has(o.number))
    .map((o) => {
      const cells = [
        cell(String(o.number), 5),
        cell((o.name ?? t.undefinedValue).padEnd(16), 18),
        cell(device.plugPassword(o.number) === null ? t.undefinedValue : t.definedValue, 13),
        cell(o.state === 'ON' ? '  ON' : '  OFF', 8),
        `${formatDelay(o.bootDelayMs / 1000)}    `,
        cell(o.powerUpDefault === 'ON' ? '  ON' : '  OFF', 9),
      ];
      return `${cells.join('|')}|`;
    });
  return ['', banner(device), '', header, rule, ...rows, rule, '', ''].join(EOL);
}

export function helpScreen(p: WtiPersonality): string {
  return ['', ...p.help, '', ''].join(EOL);
}

/** A numbered settings menu (/G, /P n): the layout is [unverified] for the IPS-800. */
export interface MenuItem {
  label: string;
  show: () => string;
  /** Ask for the new value without echo. */
  secret?: boolean;
  /** Apply a typed value; false when the value is not acceptable. */
  set: (value: string) => boolean;
}

export function menuScreen(p: WtiPersonality, title: string, items: readonly MenuItem[]): string {
  const width = Math.max(...items.map((i) => i.label.length)) + 2;
  const lines = items.map((item, i) => `    ${i + 1}. ${`${item.label}:`.padEnd(width)}${item.show()}`);
  return ['', title, '', ...lines, '', p.text.menuChoice].join(EOL);
}
