import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { SetFilter } from '../port.js';
import type { SetRecord } from '../types.js';
import type { Db } from './open.js';
import { setsFromJson } from './sets-json.js';
import { listSets } from './sets.js';
import type { ReadAnswer, ReadRequest } from './set-reader-worker.js';

/** Reads of sets by filter, on the reader thread when there is one (see set-reader-worker.ts). */
export interface SetReader {
  listSets(filter: SetFilter): Promise<SetRecord[]>;
  /** Reads answered so far: by the reader thread, and on the journal's own connection. */
  stats(): { onThread: number; onOwnConnection: number };
  /** Stops the reader thread; a read still out is answered on the journal's own connection. */
  close(): Promise<void>;
}

interface Pending {
  filter: SetFilter;
  resolve: (sets: SetRecord[]) => void;
  reject: (err: unknown) => void;
}

/** The reader thread's script: built next to this module, or (tests run the sources) in dist. */
export function defaultReaderScript(): string | null {
  const sibling = fileURLToPath(new URL('./set-reader-worker.js', import.meta.url));
  const built = fileURLToPath(new URL('../../../dist/journal/sqlite/set-reader-worker.js', import.meta.url));
  return [sibling, built].find((file) => existsSync(file)) ?? null;
}

/**
 * A list reads the journal a batch of volumes at a time while its event loop parses array answers and
 * writes rows: SQLite's part of each read (most of it) runs on a thread of its own, and the event loop only
 * parses one JSON text per batch. The thread is an accelerator, never the truth: without one (a `:memory:`
 * journal, no script: `null`), when it cannot start or dies, or when a read fails there, the read runs on the
 * journal's own connection, as rows, and gives the same records.
 */
export function createSetReader(db: Db, path: string, script: string | null = defaultReaderScript()): SetReader {
  let worker: Worker | undefined;
  let usable = path !== ':memory:' && path !== '' && script !== null;
  let seq = 0;
  const pending = new Map<number, Pending>();
  const counts = { onThread: 0, onOwnConnection: 0 };
  // The journal's own connection reads rows, as every other read does (not the thread's JSON query: a read
  // that fails there for a reason of that query's own must not fail here too).
  const onOwnConnection = (filter: SetFilter): Promise<SetRecord[]> => {
    counts.onOwnConnection++;
    return listSets(db, filter);
  };
  const settleHere = (p: Pending): void => void onOwnConnection(p.filter).then(p.resolve, p.reject);
  const giveUp = (): void => {
    usable = false;
    worker = undefined;
    const left = [...pending.values()];
    pending.clear();
    for (const p of left) settleHere(p);
  };
  const onAnswer = (w: Worker, answer: ReadAnswer): void => {
    const p = pending.get(answer.id);
    if (!p) return;
    pending.delete(answer.id);
    // Held only while a read is out: an idle reader never keeps the process alive.
    if (pending.size === 0) w.unref();
    if ('error' in answer) return settleHere(p);
    counts.onThread++;
    try {
      p.resolve(setsFromJson(answer.text));
    } catch (err) {
      p.reject(err);
    }
  };
  const start = (): Worker | undefined => {
    try {
      const w = new Worker(script!, { workerData: { path } });
      w.unref();
      w.on('message', (answer: ReadAnswer) => onAnswer(w, answer));
      w.once('error', giveUp);
      w.once('exit', giveUp);
      return w;
    } catch {
      usable = false;
      return undefined;
    }
  };
  return {
    listSets(filter) {
      const w = usable ? (worker ??= start()) : undefined;
      if (!w) return onOwnConnection(filter);
      return new Promise<SetRecord[]>((resolve, reject) => {
        const id = ++seq;
        pending.set(id, { filter, resolve, reject });
        w.ref();
        w.postMessage({ id, filter } satisfies ReadRequest);
      });
    },
    stats: () => ({ ...counts }),
    async close() {
      const w = worker;
      usable = false;
      if (w) await w.terminate();
    },
  };
}
