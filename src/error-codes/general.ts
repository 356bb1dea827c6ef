import { error, usage } from './types.js';

/**
 * Codes of every command. Three words for "it stopped" are three different facts:
 * ABORTED is one call ending because its caller's AbortSignal fired; INTERRUPTED is a whole operation
 * stopped from outside (SIGINT/SIGTERM, its caller's signal, or ccsnap dying) and is what the journal and
 * the CLI report; DECLINED is the user answering "no" at a confirmation prompt (nothing was started).
 */
export const GENERAL_CODES = {
  CCSNAP_INTERNAL: error(
    'An unexpected failure: a bug in ccsnap, or an error without a code of its own.',
    'Run again with --debug and report the stack trace.',
  ),
  CCSNAP_USAGE: usage('Bad flags or arguments on the command line.', 'Read the message and `ccsnap <command> --help`.'),
  CCSNAP_ABORTED: error(
    "One call ended early because its caller's AbortSignal fired (the caller gave up, or the caller's deadline passed).",
    'Nothing to fix when you aborted it; otherwise give the caller a longer deadline.',
  ),
  CCSNAP_INTERRUPTED: error(
    'An operation was stopped before its end: by SIGINT/SIGTERM (the CLI then exits 130/143), by its caller, or because ccsnap died (recorded by `ccsnap recover`).',
    'Run `ccsnap recover` if ccsnap died; check the set with `ccsnap list` / `ccsnap show`, then run the command again.',
  ),
  CCSNAP_DECLINED: error(
    'The user answered "no" at the confirmation prompt; nothing was changed.',
    'Nothing to fix; answer "yes" (or pass --yes) to go ahead.',
  ),
  CCSNAP_EMPTY_NAME: usage(
    'An instance, set or path was given as an empty string (it never means "all" or "the default").',
    'Give the name, or leave the argument out.',
  ),
  CCSNAP_CONFIRM_REQUIRED: usage(
    'A destructive command needs a confirmation but there is no terminal to ask and no --yes.',
    'Pass --yes, or run it from a terminal.',
  ),
  CCSNAP_NOT_BUILT: error(
    'The ccsnap program was started from a source checkout that has not been built (bin/ccsnap.js).',
    'Run `npm run build` in the checkout.',
  ),
  CCSNAP_CLI_NOT_AVAILABLE: error('A command module could not be loaded (incomplete installation).', 'Reinstall ccsnap; run with --debug to see the cause.'),
  CCSNAP_CLI_BAD_COMMAND: error('A command module exports no command (a packaging bug).', 'Reinstall ccsnap and report the bug.'),
  CCSNAP_ECHO_FAILED: error('The hidden test command `_echo --fail ccsnap` failed as asked.', 'Nothing to fix: it exists to test error output.'),
} as const;
