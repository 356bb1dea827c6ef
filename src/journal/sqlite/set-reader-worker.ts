/**
 * The journal's reader thread: its own read-only connection to the journal file, answering set reads with
 * the JSON text of `setsJsonQuery`. SQLite's work (index lookups, the JSON it writes) runs here, off the
 * event loop of the process that asked; a request that fails here is answered with its message, and the
 * asker runs it again on its own connection.
 */
import { createRequire } from 'node:module';
import { parentPort, workerData } from 'node:worker_threads';
import type BetterSqlite3 from 'better-sqlite3';
import type { SetFilter } from '../port.js';
import { readSetsJson } from './sets-json.js';

export interface ReadRequest {
  id: number;
  filter: SetFilter;
}

export type ReadAnswer = { id: number; text: string } | { id: number; error: string };

const require = createRequire(import.meta.url);
const Database = require('better-sqlite3') as typeof BetterSqlite3;
const db = new Database((workerData as { path: string }).path, { readonly: true, fileMustExist: true, timeout: 5000 });
db.pragma('cache_size = -2000');

parentPort!.on('message', ({ id, filter }: ReadRequest) => {
  let answer: ReadAnswer;
  try {
    answer = { id, text: readSetsJson(db, filter) };
  } catch (err) {
    answer = { id, error: (err as Error).message };
  }
  parentPort!.postMessage(answer);
});
