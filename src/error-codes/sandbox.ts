import { error } from './types.js';

/** The built-in sandbox cloud (`ccsnap sandbox ...`, `ccsnap tour`, `--sandbox`). */
export const SANDBOX_CODES = {
  CCSNAP_SANDBOX_STATE: error('The sandbox state file is unreadable.', 'Run `ccsnap sandbox reset` to re-seed it.'),
  CCSNAP_SANDBOX_PORT: error('The port asked for `sandbox serve` is already in use.', 'Choose another --port, or 0 for any free port.'),
  CCSNAP_SANDBOX_BUSY: error(
    'A running `sandbox serve` uses the directory the tour would re-seed.',
    'Stop that sandbox, or run the tour with another $CCSNAP_SANDBOX_DIR.',
  ),
  CCSNAP_SANDBOX_RUNNING: error(
    'A `sandbox serve` already serves this state directory (its PID is in the message); a second serve, or a reset under it, would lose state.',
    'Use the running sandbox, stop it first, or pick another $CCSNAP_SANDBOX_DIR.',
  ),
  CCSNAP_SANDBOX_LOCK: error(
    "The sandbox state directory's lock could not be taken or read.",
    'Check the permissions of $CCSNAP_SANDBOX_DIR; a lock left by a dead process is removed by the next command.',
  ),
  CCSNAP_SANDBOX_UNREACHABLE: error(
    'No sandbox answers at the URL (--url, $CCSNAP_SANDBOX_URL, or the running `sandbox serve`).',
    'Start `ccsnap sandbox serve`, or fix --url.',
  ),
  CCSNAP_SANDBOX_CONTROL: error('A sandbox control request failed (e.g. a fault rule it does not accept).', 'Read the answer in the message.'),
} as const;
