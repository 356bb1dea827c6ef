import { homedir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, type Db } from './open.js';

export * from './types.js';
export * from './operations.js';
export * from './sets.js';
export * from './locks.js';
export { openDatabase, type Db } from './open.js';

/** Default journal path: $CCSNAP_JOURNAL, else ${XDG_STATE_HOME:-~/.local/state}/ccsnap/journal.db. */
export function defaultJournalPath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.CCSNAP_JOURNAL) return env.CCSNAP_JOURNAL;
  const state = env.XDG_STATE_HOME || join(homedir(), '.local', 'state');
  return join(state, 'ccsnap', 'journal.db');
}

export function openJournal(path: string): Db {
  return openDatabase(path);
}
