import { afterAll } from 'vitest';
import { openJournal, type Journal, type OpenJournalOptions } from '../../src/journal/index.js';
import { socketUrl, type PgClusterInfo } from '../helpers/postgres.js';
import type { JournalOpener } from '../helpers/journal-contract.js';
import { createDatabase, dropDatabases } from './databases.js';

/**
 * Journals on the suite's cluster for one test file: `fresh()` opens one on a new database (over the Unix
 * socket), `another(j)` a second one on the same database, as another worker would. The file's databases
 * are dropped after it (each test closes its journals first).
 */
export function pgJournals(
  info: PgClusterInfo,
  options: OpenJournalOptions = {},
): JournalOpener & { urlOf(j: Journal): string; databaseOf(j: Journal): string } {
  const urls = new Map<Journal, { url: string; database: string }>();
  const databases: string[] = [];
  afterAll(() => dropDatabases(info, databases));
  const open = (database: string): Journal => {
    const url = socketUrl(info, database);
    const journal = openJournal(url, options);
    urls.set(journal, { url, database });
    return journal;
  };
  return {
    async fresh() {
      const name = await createDatabase(info);
      databases.push(name);
      return open(name);
    },
    async another(journal) {
      return open(known(journal).database);
    },
    urlOf: (j) => known(j).url,
    databaseOf: (j) => known(j).database,
  };

  function known(journal: Journal): { url: string; database: string } {
    const found = urls.get(journal);
    if (!found) throw new Error('not a journal of this file');
    return found;
  }
}
