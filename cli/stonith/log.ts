/**
 * stonith's logging (stonith-cli.md §7).
 *
 * - stdin is a terminal: each message is written to stderr as `<prio>: <message>`.
 *   Debug messages appear only with -d.
 * - stdin is not a terminal (pacemaker, scripts): the real binary sends the
 *   messages to syslog and stderr stays empty. fencekit-stonith leaves syslog
 *   out on purpose: it keeps start-up free of a syslog client, and stderr stays
 *   empty just the same. With -d the real binary also copies every message to
 *   stderr in syslog's shape (`Nov 22 11:04:22 host stonith: [pid]: debug: …`);
 *   so do we.
 *
 * `perror` is apart: the C library's perror() writes to stderr whatever stdin is.
 */
import os from 'node:os';

export type Priority = 'EMERG' | 'ALERT' | 'CRIT' | 'ERROR' | 'WARN' | 'notice' | 'info' | 'debug';

export interface LoggerOptions {
  /** Whether stdin is a terminal. */
  tty: boolean;
  /** Number of -d given. */
  debug: number;
  write?: (text: string) => void;
  /** The syslog ident: the real binary always says "stonith". */
  ident?: string;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** ctime()'s "Mmm dd hh:mm:ss", the day padded with a space. */
function syslogTime(d: Date): string {
  const two = (n: number) => String(n).padStart(2, '0');
  return `${MONTHS[d.getMonth()]} ${String(d.getDate()).padStart(2, ' ')} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}

export class Logger {
  private readonly write: (text: string) => void;
  private readonly ident: string;

  constructor(private readonly opts: LoggerOptions) {
    this.write = opts.write ?? ((text) => process.stderr.write(text));
    this.ident = opts.ident ?? 'stonith';
  }

  get debugLevel(): number {
    return this.opts.debug;
  }

  /** Whether stdin is a terminal. */
  get tty(): boolean {
    return this.opts.tty;
  }

  log(priority: Priority, message: string): void {
    if (priority === 'debug' && this.opts.debug === 0) return;
    if (this.opts.tty) {
      this.write(`${priority}: ${message}\n`);
    } else if (this.opts.debug > 0) {
      this.write(
        `${syslogTime(new Date())} ${os.hostname()} ${this.ident}: [${process.pid}]: ${priority}: ${message}\n`,
      );
    }
    // Otherwise the real binary would send it to syslog; see the note at the top.
  }

  crit(message: string): void {
    this.log('CRIT', message);
  }

  error(message: string): void {
    this.log('ERROR', message);
  }

  warn(message: string): void {
    this.log('WARN', message);
  }

  info(message: string): void {
    this.log('info', message);
  }

  debug(message: string): void {
    this.log('debug', message);
  }

  /** As perror(3): `<what>: <reason>` on stderr, terminal or not. */
  perror(what: string, reason: string): void {
    this.write(`${what}: ${reason}\n`);
  }

  /** Text as it is, on stderr: what a plugin's helper program would write there itself. */
  stderr(text: string): void {
    this.write(text);
  }
}
