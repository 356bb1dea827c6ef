import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Journal } from './port.js';
import { PostgresJournal, type PostgresJournalOptions } from './postgres/journal.js';
import { isPostgresUrl } from './postgres/url.js';
import { SqliteJournal } from './sqlite/journal.js';

export * from './types.js';
export type * from './port.js';
export { isProcessAlive, lockedError, withInstanceLock } from './locks.js';
export { isPostgresUrl, redactUrl } from './postgres/url.js';
export { DEFAULT_LEASE_MS } from './postgres/journal.js';

/** Options of a PostgreSQL journal (a SQLite journal has none): its owner's lease and its pool's size. */
export type OpenJournalOptions = PostgresJournalOptions;

/** Default journal path: $CCSNAP_JOURNAL, else ${XDG_STATE_HOME:-~/.local/state}/ccsnap/journal.db. */
export function defaultJournalPath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.CCSNAP_JOURNAL) return env.CCSNAP_JOURNAL;
  const state = env.XDG_STATE_HOME || join(homedir(), '.local', 'state');
  return join(state, 'ccsnap', 'journal.db');
}

/**
 * Opens the journal `target` names: a `postgresql://` or `postgres://` URL is a PostgreSQL journal shared by
 * many processes (it connects, migrates and registers this process as an owner on its first call); anything
 * else is the path of a SQLite file (created and migrated now).
 */
export function openJournal(target: string, options: OpenJournalOptions = {}): Journal {
  return isPostgresUrl(target) ? PostgresJournal.open(target, options) : SqliteJournal.open(target);
}
