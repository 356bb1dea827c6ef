import type { CcsnapErrorCode, ErrorDetails } from '../errors.js';

type Hint = string | ((details: ErrorDetails) => string | undefined);

/**
 * What the CLI adds to an error (or a recover report) of these codes: the flag or the command that helps. The
 * library's messages state facts and name no flag or command, since library callers have neither.
 */
const HINTS: Partial<Record<CcsnapErrorCode, Hint>> = {
  CCSNAP_ROLLBACK_INCOMPLETE: 'run "ccsnap recover" to finish it',
};

/** The CLI's hint for an error of this code, if it has one. */
export function hintFor(code: CcsnapErrorCode, details: ErrorDetails = {}): string | undefined {
  const hint = HINTS[code];
  return typeof hint === 'function' ? hint(details) : hint;
}

/** The message followed by the CLI's hint for its code (one line: "message; hint"). */
export function withHint(error: { code: CcsnapErrorCode; message: string; details?: ErrorDetails }): string {
  const hint = hintFor(error.code, error.details);
  return hint ? `${error.message}; ${hint}` : error.message;
}
