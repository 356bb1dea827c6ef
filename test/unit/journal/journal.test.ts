import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  acquireLock, finishOperation, finishSet, getSet, insertOperation, insertSet, listSets, listUnfinishedOperations,
  openJournal, releaseLock, updateMember,
} from '../../../src/journal/index.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function tempJournal() {
  const dir = mkdtempSync(join(tmpdir(), 'ccsnap-journal-'));
  dirs.push(dir);
  return openJournal(join(dir, 'j.db'));
}

describe('journal', () => {
  it('records a set with pending members, then completes it', () => {
    const db = tempJournal();
    insertOperation(db, { id: 'op1', kind: 'create', instanceId: 'i1', instanceName: 'web-1', plan: { a: 1 } });
    insertSet(db, {
      id: 'abc', instanceId: 'i1', instanceName: 'web-1', label: 'nightly', createdAt: '2026-11-26T00:00:00Z', opId: 'op1',
      members: [{ volumeId: 'v1', arrayName: 'ec1', fsId: 'f1', snapshotName: 's1' }, { volumeId: 'v2', arrayName: 'ec1', fsId: 'f2', snapshotName: 's2' }],
    });
    expect(listUnfinishedOperations(db).map((o) => o.id)).toEqual(['op1']);
    updateMember(db, 'abc', 'v1', { state: 'created', path: 'P/A/f1@s1' });
    finishSet(db, 'abc', { state: 'complete', consistency: 'filesystem-consistent', frozenMs: 12.5 });
    finishOperation(db, 'op1', { state: 'done' });
    const set = getSet(db, 'abc')!;
    expect(set.state).toBe('complete');
    expect(set.frozenMs).toBe(12.5);
    expect(set.members.map((m) => [m.volumeId, m.state, m.path])).toEqual([['v1', 'created', 'P/A/f1@s1'], ['v2', 'pending', null]]);
    expect(listUnfinishedOperations(db)).toEqual([]);
    expect(listSets(db, { instanceId: 'i1' })).toHaveLength(1);
    expect(listSets(db, { instanceId: 'other' })).toHaveLength(0);
  });

  it('refuses a second lock on the same instance and names the holder', () => {
    const db = tempJournal();
    acquireLock(db, 'i1', 'op1');
    expect(() => acquireLock(db, 'i1', 'op2')).toThrow(expect.objectContaining({ code: 'CCSNAP_LOCKED' }));
    releaseLock(db, 'i1', 'op1');
    expect(() => acquireLock(db, 'i1', 'op2')).not.toThrow();
  });

  it('reports a lock of a dead process as stale', () => {
    const db = tempJournal();
    acquireLock(db, 'i1', 'op1');
    db.prepare('UPDATE locks SET pid = 2147483646').run();
    try {
      acquireLock(db, 'i1', 'op2');
      expect.unreachable();
    } catch (err) {
      expect((err as { details: { stale: boolean } }).details.stale).toBe(true);
      expect((err as Error).message).toMatch(/ccsnap recover/);
    }
  });
});
