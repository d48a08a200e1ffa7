/**
 * The card's clock, as its banner shows it. The device model has no clock of
 * its own, so a session is handed one: `now` for Date/Time, `startedAt` for
 * Up Time. Tests pass fixed values; the emulator uses the host's clock.
 */
export interface CardClock {
  now: () => Date;
  /** When the card "booted": the banner's Up Time counts from here. */
  startedAt: Date;
}

/** When this process started: the default boot time of every card it emulates. */
const PROCESS_START = new Date(Date.now() - Math.round(process.uptime() * 1000));

export function hostClock(): CardClock {
  return { now: () => new Date(), startedAt: PROCESS_START };
}

const two = (n: number) => String(n).padStart(2, '0');

/** `08/11/2014`: month/day/year, the NMC's default date format. */
export function cardDate(d: Date): string {
  return `${two(d.getMonth() + 1)}/${two(d.getDate())}/${d.getFullYear()}`;
}

/** `15:06:54`, 24-hour. */
export function cardTime(d: Date): string {
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}

/** `34 Days 3 Hours 39 Minutes` [rec]; the plural is kept for 1 as well [unverified]. */
export function cardUptime(from: Date, to: Date): string {
  const minutes = Math.max(0, Math.floor((to.getTime() - from.getTime()) / 60_000));
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  return `${days} Days ${hours} Hours ${minutes % 60} Minutes`;
}

/** What the banner's right-hand column and identity lines are filled with. */
export interface BannerFields {
  name: string;
  contact: string;
  location: string;
  user: string;
  date: string;
  time: string;
  upTime: string;
}
