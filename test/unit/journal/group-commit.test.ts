import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteJournal } from '../../../src/journal/sqlite/journal.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function tempPath(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ccsnap-group-commit-'));
  dirs.push(dir);
  return join(dir, 'j.db');
}

const op = (id: string, instanceId = `i-${id}`) => ({ id, kind: 'create' as const, instanceId, instanceName: `web-${id}`, plan: {} });

describe('SQLite journal group commit', () => {
  it('commits the writes issued in one turn together, each resolving once committed', async () => {
    const path = tempPath();
    const journal = SqliteJournal.open(path);
    const before = journal.commitStats();
    const writes = ['a', 'b', 'c'].map((id) => journal.insertOperation(op(id)));
    // Not on disk yet: another connection (another process) sees nothing.
    const other = new Database(path, { readonly: true });
    expect((other.prepare('SELECT count(*) AS n FROM operations').get() as { n: number }).n).toBe(0);
    await Promise.all(writes);
    expect((other.prepare('SELECT count(*) AS n FROM operations').get() as { n: number }).n).toBe(3);
    expect(journal.commitStats()).toEqual({ commits: before.commits + 1, writes: before.writes + 3 });
    other.close();
    await journal.close();
  });

  it('rejects a failing write alone: the others of its commit are kept, and nothing of the failed one', async () => {
    const journal = SqliteJournal.open(tempPath());
    await journal.insertOperation(op('holder', 'i1'));
    await journal.acquireLock('i1', 'holder');
    await journal.insertOperation(op('second', 'i1'));
    const results = await Promise.allSettled([journal.insertOperation(op('x')), journal.acquireLock('i1', 'second'), journal.insertOperation(op('y'))]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason).toMatchObject({ code: 'CCSNAP_LOCKED' });
    expect((await journal.readLock('i1'))?.opId).toBe('holder');
    const ids = (await journal.listUnfinishedOperations()).map((o) => o.id).sort();
    expect(ids).toEqual(['holder', 'second', 'x', 'y']);
    await journal.close();
  });

  it('keeps the order writes were issued in', async () => {
    const journal = SqliteJournal.open(tempPath());
    await journal.insertOperation(op('o1'));
    const steps = [1, 2, 3, 4].map((n) => journal.recordStep('o1', { name: `s${n}`, status: 'ok', startedAt: '2026-11-27T00:00:00Z', durationMs: n }));
    await Promise.all(steps);
    expect((await journal.listSteps('o1')).map((s) => s.name)).toEqual(['s1', 's2', 's3', 's4']);
    await journal.close();
  });

  it('commits what is still queued when closed', async () => {
    const path = tempPath();
    const journal = SqliteJournal.open(path);
    const write = journal.insertOperation(op('late'));
    await journal.close();
    await write;
    const reopened = SqliteJournal.open(path);
    expect((await reopened.listUnfinishedOperations()).map((o) => o.id)).toEqual(['late']);
    await reopened.close();
  });

  it('runs the writes inside batch() at once, in its transaction', async () => {
    const journal = SqliteJournal.open(tempPath());
    journal.batch(() => {
      void journal.insertOperation(op('b1'));
      void journal.insertOperation(op('b2'));
    });
    expect((await journal.listUnfinishedOperations()).map((o) => o.id).sort()).toEqual(['b1', 'b2']);
    await journal.close();
  });
});
