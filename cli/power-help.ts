/**
 * `fencekit power --help`, from the registry: each driver flag's description
 * says which drivers take it, and a section after the options gives every
 * driver's summary, default ports, flags and an example.
 */
import { DEFAULT_MAX_REFUSALS } from '../src/busy-retry.js';
import { orList } from '../src/driver-options.js';
import type { DriverRegistration } from '../src/driver-registration.js';
import { type DriverFlag, useLabel } from './driver-flags.js';
import { DRIVERS } from './drivers.js';
import { powerExitHelp } from './exit-codes.js';

/** `apc (ssh), ilo-ssh: accept any SSH host key; ilo, redfish: accept any TLS certificate`. */
export function flagDescription(flag: DriverFlag): string {
  const groups = new Map<string, string[]>();
  for (const use of flag.uses) {
    const { help, choices, default: byDefault } = use.option;
    const notes = [
      choices && !help.includes(choices[0] as string) ? orList(choices) : '',
      byDefault === undefined ? '' : `default: ${byDefault}`,
    ].filter(Boolean);
    const text = notes.length ? `${help} (${notes.join('; ')})` : help;
    groups.set(text, [...(groups.get(text) ?? []), useLabel(use)]);
  }
  return [...groups].map(([text, labels]) => `${labels.join(', ')}: ${text}`).join('; ');
}

/** `port 23 (telnet), 22 (ssh)`. */
export function portsOf(driver: DriverRegistration): string {
  const ports = driver.transports.flatMap((t) => {
    const port = driver.defaultPort[t];
    return port === undefined ? [] : [`${port} (${t})`];
  });
  return ports.length === 0 ? 'no port' : `port ${ports.join(', ')}`;
}

/** The flags a driver takes beyond the common ones, each with the transports it is limited to. */
export function flagsOf(driver: DriverRegistration): string[] {
  const serial = driver.transports.includes('serial') ? ['--serial', '--baud (serial)'] : [];
  return [
    ...serial,
    ...driver.options.map((o) =>
      o.transports && o.transports.length < driver.transports.length
        ? `--${o.flag} (${o.transports.join(', ')})`
        : `--${o.flag}`,
    ),
  ];
}

/** Lines of at most 80 columns after `pad`, broken at spaces. */
function wrap(text: string, pad: string, columns = 80): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && pad.length + line.length + 1 + word.length > columns) {
      lines.push(pad + line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  return [...lines, pad + line];
}

export function powerHelpAfter(drivers: readonly DriverRegistration[] = DRIVERS): string {
  const width = Math.max(...drivers.map((d) => d.name.length)) + 2;
  const pad = ' '.repeat(width + 2);
  const lines = ['', 'Drivers (--driver), their default ports, and the flags each takes beyond the common ones:'];
  for (const d of drivers) {
    lines.push(
      ...wrap(d.summary, pad).map((l, i) => (i === 0 ? `  ${d.name.padEnd(width)}${l.slice(pad.length)}` : l)),
    );
    const flags = flagsOf(d);
    const notes = [
      portsOf(d),
      d.username.default ? `--username default: ${d.username.default}` : '',
      d.singleServer ? 'one server: the plug may be left out' : '',
    ]
      .filter(Boolean)
      .join('; ');
    lines.push(...wrap(notes, pad), ...wrap(flags.length ? flags.join(', ') : 'no driver flags', pad));
  }
  lines.push(
    '',
    'A flag that does not apply to the driver (or to its transport) is refused (exit 64).',
    '',
    'Examples:',
  );
  for (const d of drivers) if (d.examples[0]) lines.push(`  ${d.examples[0]}`);
  lines.push(
    '',
    `A refused connection (nothing listens) is retried ${DEFAULT_MAX_REFUSALS - 1} times in under 2 s, then exit 8;`,
    'a device busy with another session is retried until --timeout, then exit 5.',
    '',
    powerExitHelp(),
  );
  return lines.join('\n');
}
