import { FencekitError } from '../../src/errors.js';
import { StateFileError } from '../state-error.js';

/** What a lab caller (the admin API, a drill) asked for that the lab does not have. */
export type LabErrorCode = 'ENOUNIT' | 'ENOPLUG' | 'ENOFAULT' | 'ENOLOAD' | 'EBADREQUEST';

/**
 * A request the lab refuses: no such unit, plug, fault or running load, or a
 * request that makes no sense. `code` is the lab's own (ENOUNIT…), what the
 * admin API puts in its error body; `labCode` says the same with its type.
 *
 * FencekitError's codes are the fencing operation's outcomes (each maps to an
 * exit status of `fencekit power`); the lab's are not, so they are not added
 * to that union: the base is built as a usage error (a caller's mistake),
 * then `code` is set to the lab's code.
 */
export class LabError extends FencekitError {
  readonly labCode: LabErrorCode;
  constructor(code: LabErrorCode, message: string, options?: { cause?: unknown }) {
    super('EUSAGE', message, options);
    this.labCode = code;
    Object.defineProperty(this, 'code', { value: code, enumerable: true });
  }
}

/**
 * The lab's state directory cannot be used (a symbolic link planted in its
 * place, not a directory, not ours). A StateFileError, so `fencekit lab`
 * exits 65 on it as `fencekit emulate` does on a bad state file.
 */
export class StateDirError extends StateFileError {
  constructor(dir: string, reason: string, options?: { cause?: unknown }) {
    super(dir, null, reason, options);
    this.message = `state directory ${dir}: ${reason}`;
  }
}
