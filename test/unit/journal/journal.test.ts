import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { openJournal, withInstanceLock } from '../../../src/journal/index.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function tempPath() {
  const dir = mkdtempSync(join(tmpdir(), 'ccsnap-journal-'));
  dirs.push(dir);
  return join(dir, 'j.db');
}

function tempJournal() {
  return openJournal(tempPath());
}

const TWO_MEMBERS = [
  { volumeId: 'v1', arrayName: 'ec1', fsId: 'f1', snapshotName: 's1' },
  { volumeId: 'v2', arrayName: 'ec1', fsId: 'f2', snapshotName: 's2' },
];

describe('journal', () => {
  it('records a set with pending members, then completes it', () => {
    const journal = tempJournal();
    journal.insertOperation({ id: 'op1', kind: 'create', instanceId: 'i1', instanceName: 'web-1', plan: { a: 1 } });
    journal.insertSet({
      id: 'abc',
      instanceId: 'i1',
      instanceName: 'web-1',
      label: 'nightly',
      createdAt: '2026-11-26T00:00:00Z',
      opId: 'op1',
      members: TWO_MEMBERS,
    });
    expect(journal.listUnfinishedOperations().map((o) => o.id)).toEqual(['op1']);
    journal.updateMember('abc', 'v1', { state: 'created', path: 'P/A/f1@s1' });
    journal.finishSet('abc', { state: 'complete', consistency: 'filesystem-consistent', frozenMs: 12.5 });
    journal.finishOperation('op1', { state: 'done' });
    const set = journal.getSet('abc')!;
    expect(set.state).toBe('complete');
    expect(set.frozenMs).toBe(12.5);
    expect(set.members.map((m) => [m.volumeId, m.state, m.path])).toEqual([
      ['v1', 'created', 'P/A/f1@s1'],
      ['v2', 'pending', null],
    ]);
    expect(journal.listUnfinishedOperations()).toEqual([]);
    expect(journal.listSets({ instanceId: 'i1' })).toHaveLength(1);
    expect(journal.listSets({ instanceId: 'other' })).toHaveLength(0);
    expect(journal.listSetsOfOperation('op1').map((s) => s.id)).toEqual(['abc']);
    expect(journal.listSetsOfOperation('op2')).toEqual([]);
  });

  it('keeps steps in the order they were recorded', () => {
    const journal = tempJournal();
    journal.insertOperation({ id: 'op1', kind: 'rollback', instanceId: 'i1', instanceName: 'web-1', plan: {} });
    journal.recordStep('op1', { name: 'stop', status: 'ok', startedAt: '2026-11-26T00:00:00.000Z', durationMs: 1.5, detail: {} });
    journal.recordStep('op1', {
      name: 'rollback-volume',
      status: 'failed',
      startedAt: '2026-11-26T00:00:01.000Z',
      durationMs: 2,
      detail: { volumeId: 'v1', error: 'boom' },
    });
    journal.recordStep('op1', { name: 'start', status: 'skipped', startedAt: '2026-11-26T00:00:02.000Z', durationMs: 0 });
    expect(journal.listSteps('op1')).toEqual([
      { name: 'stop', status: 'ok', startedAt: '2026-11-26T00:00:00.000Z', durationMs: 1.5, detail: {} },
      { name: 'rollback-volume', status: 'failed', startedAt: '2026-11-26T00:00:01.000Z', durationMs: 2, detail: { volumeId: 'v1', error: 'boom' } },
      { name: 'start', status: 'skipped', startedAt: '2026-11-26T00:00:02.000Z', durationMs: 0 },
    ]);
    expect(journal.listSteps('op2')).toEqual([]);
  });

  it('an operation that records its error stays unfinished; recover closes it and frees its locks', () => {
    const journal = tempJournal();
    journal.acquireLock('i1', 'op1');
    journal.insertOperation({ id: 'op1', kind: 'rollback', instanceId: 'i1', instanceName: 'web-1', plan: {} });
    journal.setOperationState('op1', 'rolling-back');
    journal.recordOperationError('op1', {
      errorCode: 'CCSNAP_ROLLBACK_INCOMPLETE',
      errorMessage: 'stopped',
      result: { volumes: [['v1', { state: 'failed' }]] },
    });
    const [op] = journal.listUnfinishedOperations();
    expect(op).toMatchObject({
      id: 'op1',
      state: 'rolling-back',
      finishedAt: null,
      errorCode: 'CCSNAP_ROLLBACK_INCOMPLETE',
      errorMessage: 'stopped',
      result: { volumes: [['v1', { state: 'failed' }]] },
    });
    expect(journal.readLock('i1')?.opId).toBe('op1');
    journal.adoptOperation('op1');
    expect(journal.readLock('i1')).toMatchObject({ opId: 'op1', pid: process.pid });
    journal.finishOperation('op1', { state: 'failed', errorCode: 'CCSNAP_INTERRUPTED', errorMessage: 'recovered' });
    journal.releaseLocksOf('op1');
    expect(journal.readLock('i1')).toBeUndefined();
    expect(journal.listUnfinishedOperations()).toEqual([]);
  });

  it('a snapshot gone marks its member deleted, and the set once nothing of it is left', () => {
    const journal = tempJournal();
    journal.insertSet({
      id: 'abc',
      instanceId: 'i1',
      instanceName: 'web-1',
      label: null,
      createdAt: '2026-11-26T00:00:00Z',
      opId: 'op1',
      members: TWO_MEMBERS,
    });
    journal.finishSet('abc', { state: 'complete' });
    journal.markSnapshotGone('s1');
    expect(journal.getSet('abc')).toMatchObject({ state: 'complete', members: [{ state: 'deleted' }, { state: 'pending' }] });
    journal.markSnapshotGone('unknown');
    journal.markSnapshotGone('s2');
    expect(journal.getSet('abc')?.state).toBe('deleted');
  });

  it('lists operations whose freeze was sent until their thaw is confirmed', () => {
    const journal = tempJournal();
    journal.insertOperation({ id: 'op1', kind: 'create', instanceId: 'i1', instanceName: 'web-1', domain: 'instance-1', plan: {} });
    journal.markFreezeSent('op1', new Date('2026-11-26T00:00:00Z'));
    journal.finishOperation('op1', { state: 'failed', errorCode: 'CCSNAP_FREEZE_FAILED', errorMessage: 'agent timeout' });
    expect(journal.listThawPending()).toEqual([expect.objectContaining({ id: 'op1', state: 'failed', freezeSentAt: '2026-11-26T00:00:00.000Z' })]);
    journal.markThawConfirmed('op1', 'recover');
    expect(journal.listThawPending()).toEqual([]);
  });

  it('refuses a second lock on the same instance and names the holder', () => {
    const journal = tempJournal();
    journal.acquireLock('i1', 'op1');
    expect(() => journal.acquireLock('i1', 'op2')).toThrow(expect.objectContaining({ code: 'CCSNAP_LOCKED' }));
    journal.releaseLock('i1', 'op1');
    expect(() => journal.acquireLock('i1', 'op2')).not.toThrow();
  });

  it('withInstanceLock releases the lock when the work fails', async () => {
    const journal = tempJournal();
    await expect(
      withInstanceLock(journal, 'i1', async () => {
        expect(journal.readLock('i1')).toBeDefined();
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(journal.readLock('i1')).toBeUndefined();
  });

  it('reports a lock of a dead process as stale', () => {
    const path = tempPath();
    const journal = openJournal(path);
    journal.acquireLock('i1', 'op1');
    // SQLite-specific: a second connection plays a ccsnap process that died holding the lock.
    const raw = new Database(path);
    raw.prepare('UPDATE locks SET pid = 2147483646').run();
    raw.close();
    try {
      journal.acquireLock('i1', 'op2');
      expect.unreachable();
    } catch (err) {
      expect((err as { details: { stale: boolean } }).details.stale).toBe(true);
      // A fact, not a command to run: the CLI adds that hint (src/cli/hints.ts).
      expect((err as Error).message).toMatch(/of a dead ccsnap process \(pid 2147483646\)$/);
    }
  });
});
