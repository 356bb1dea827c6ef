import { isErrorCode, type CcsnapErrorCode, type ErrorDetails } from '../core.js';

type Hint = string | ((details: ErrorDetails) => string | undefined);

/**
 * What the CLI adds to an error (or a recover report) of these codes: the flag or the command that helps. The
 * library's messages state facts and name no flag or command, since library callers have neither.
 */
const HINTS: Partial<Record<CcsnapErrorCode, Hint>> = {
  CCSNAP_LOCKED: 'if its process is dead, run "ccsnap recover"',
  CCSNAP_ROLLBACK_INCOMPLETE: 'run "ccsnap recover" to finish it',
  CCSNAP_CONFIRM_REQUIRED: 'pass --yes, or run it in a terminal to be asked',
  CCSNAP_ROLLBACK_PARTIAL_SET: 'add --partial to roll back only the covered ones',
  CCSNAP_NEWER_SNAPSHOTS: (d) => `add --discard-newer to accept${d.listed === false ? ' (--debug lists every path)' : ''}`,
  // Only when no cloud is selected at all (a selected cloud that lacks a credential names what it lacks).
  CCSNAP_CONFIG_MISSING_AUTH: (d) => (d.missing === undefined ? 'use --os-cloud / OS_CLOUD or set OS_AUTH_URL and credentials' : undefined),
  CCSNAP_HTTP_TLS: 'pass the CA bundle with --os-cacert',
  CCSNAP_CONFIG_NO_CLOUD: (d) =>
    `${typeof d.config === 'string' ? `--config ${d.config} is ccsnap's own config and names no cloud; ` : ''}set OS_CLOUD or pass --os-cloud NAME with the cloud in clouds.yaml (or set OS_AUTH_URL and the other OS_* variables); to try ccsnap without a cloud, add --sandbox or run 'ccsnap tour'`,
  CCSNAP_JOURNAL_DIR: "create it, or fix --journal / $CCSNAP_JOURNAL / the config's journal:",
  CCSNAP_CONFIG_NO_ARRAY: 'add the cloud\'s arrays: to the ccsnap config ("ccsnap sandbox serve" prints an example)',
  CCSNAP_SANDBOX_PORT: 'choose another --port, or 0 for any free port',
};

/** The CLI's hint for an error of this code, if it has one (a code outside the catalogue has none). */
export function hintFor(code: string, details: ErrorDetails = {}): string | undefined {
  const hint = isErrorCode(code) ? HINTS[code] : undefined;
  return typeof hint === 'function' ? hint(details) : hint;
}

/** The message followed by the CLI's hint for its code (one line: "message; hint"). */
export function withHint(error: { code: string; message: string; details?: ErrorDetails }): string {
  const hint = hintFor(error.code, error.details);
  return hint ? `${error.message}; ${hint}` : error.message;
}
