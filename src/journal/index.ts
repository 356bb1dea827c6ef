import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Journal } from './port.js';
import { SqliteJournal } from './sqlite/journal.js';

export * from './types.js';
export type * from './port.js';
export { isProcessAlive, lockedError, withInstanceLock } from './locks.js';

/** Default journal path: $CCSNAP_JOURNAL, else ${XDG_STATE_HOME:-~/.local/state}/ccsnap/journal.db. */
export function defaultJournalPath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.CCSNAP_JOURNAL) return env.CCSNAP_JOURNAL;
  const state = env.XDG_STATE_HOME || join(homedir(), '.local', 'state');
  return join(state, 'ccsnap', 'journal.db');
}

/** Opens (creating and migrating if needed) the journal at `path`. */
export function openJournal(path: string): Journal {
  return SqliteJournal.open(path);
}
