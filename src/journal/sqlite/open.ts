import { createRequire } from 'node:module';
import type BetterSqlite3 from 'better-sqlite3';
import { CcsnapError } from '../../errors.js';
import { MIGRATIONS } from './schema.js';
import { ensurePrivateFile } from '../../util/private-files.js';

export type Db = BetterSqlite3.Database;

const require = createRequire(import.meta.url);

/** Opens (and migrates) the journal database. WAL + synchronous=FULL: a crash loses no committed step. */
export function openDatabase(path: string): Db {
  const Database = require('better-sqlite3') as typeof BetterSqlite3;
  let db: Db;
  try {
    // SQLite gives the -wal and -shm files the mode of the database file: create that 0600 first.
    if (path !== ':memory:') ensurePrivateFile(path);
    db = new Database(path, { timeout: 5000 });
  } catch (err) {
    throw new CcsnapError('CCSNAP_JOURNAL_OPEN', `cannot open journal ${path}: ${(err as Error).message}`, { cause: err, details: { path } });
  }
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  // SQLite's own default page cache (2 MB; better-sqlite3 builds it with 16 MB): the journal's writes touch a
  // few pages, and a scan of every set (list) reads the file once, so 14 MB more of cache only held memory.
  db.pragma('cache_size = -2000');
  migrate(db);
  return db;
}

function migrate(db: Db): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > MIGRATIONS.length) {
    throw new CcsnapError('CCSNAP_JOURNAL_VERSION', `journal schema ${version} is newer than this ccsnap understands (${MIGRATIONS.length})`);
  }
  for (let v = version; v < MIGRATIONS.length; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v]!);
      db.pragma(`user_version = ${v + 1}`);
    }).immediate();
  }
}
