/**
 * A state file that cannot be used: unreadable, not a regular file, not JSON,
 * or a value the unit could never have written. One line for the user: the
 * file, the field when there is one, what was expected and what was found.
 * `fencekit emulate` exits with status 65 (EX_DATAERR) on it.
 *
 * Not a FencekitError: those codes are the fencing operation's outcomes and
 * map to `fencekit power` exit statuses; this one belongs to the emulator.
 */
export class StateFileError extends Error {
  readonly code = 'ESTATEFILE';
  constructor(
    readonly file: string,
    /** The JSON path of the bad value (`plugs[3].state`), or null when the file as a whole is wrong. */
    readonly field: string | null,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(`state file ${file}: ${field === null ? '' : `field ${field}: `}${reason}`, options);
    this.name = 'StateFileError';
  }
}
