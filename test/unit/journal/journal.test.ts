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
  it('records a set with pending members, then completes it', async () => {
    const journal = tempJournal();
    await journal.insertOperation({ id: 'op1', kind: 'create', instanceId: 'i1', instanceName: 'web-1', plan: { a: 1 } });
    await journal.insertSet({
      id: 'abc',
      instanceId: 'i1',
      instanceName: 'web-1',
      label: 'nightly',
      createdAt: '2026-11-26T00:00:00Z',
      opId: 'op1',
      members: TWO_MEMBERS,
    });
    expect((await journal.listUnfinishedOperations()).map((o) => o.id)).toEqual(['op1']);
    await journal.updateMember('abc', 'v1', { state: 'created', path: 'P/A/f1@s1' });
    await journal.finishSet('abc', { state: 'complete', consistency: 'filesystem-consistent', frozenMs: 12.5 });
    await journal.finishOperation('op1', { state: 'done' });
    const set = (await journal.getSet('abc'))!;
    expect(set.state).toBe('complete');
    expect(set.frozenMs).toBe(12.5);
    expect(set.members.map((m) => [m.volumeId, m.state, m.path])).toEqual([
      ['v1', 'created', 'P/A/f1@s1'],
      ['v2', 'pending', null],
    ]);
    expect(await journal.listUnfinishedOperations()).toEqual([]);
    expect(await journal.listSets({ instanceId: 'i1' })).toHaveLength(1);
    expect(await journal.listSets({ instanceId: 'other' })).toHaveLength(0);
    expect((await journal.listSetsOfOperation('op1')).map((s) => s.id)).toEqual(['abc']);
    expect(await journal.listSetsOfOperation('op2')).toEqual([]);
  });

  it('lists sets newest first, each with its own members in order, as getSet reads them', async () => {
    const journal = tempJournal();
    const sets = [
      { id: 's-old', instanceId: 'i1', instanceName: 'web-1', createdAt: '2026-11-26T00:00:00Z', members: TWO_MEMBERS },
      {
        id: 's-new',
        instanceId: 'i1',
        instanceName: 'web-1',
        createdAt: '2026-11-26T02:00:00Z',
        members: TWO_MEMBERS.map((m) => ({ ...m, snapshotName: `${m.snapshotName}b` })),
      },
      {
        id: 's-mid',
        instanceId: 'i2',
        instanceName: 'db-1',
        createdAt: '2026-11-26T01:00:00Z',
        members: [{ ...TWO_MEMBERS[0]!, volumeId: 'v9', snapshotName: 's9' }],
      },
    ];
    for (const set of sets) await journal.insertSet({ ...set, label: null, opId: `op-${set.id}` });
    await journal.updateMember('s-new', 'v2', { state: 'created', path: 'P/A/f2@s2b' });
    await journal.finishSet('s-new', {
      state: 'complete',
      consistency: 'crash-consistent',
      frozenMs: 4,
      steps: [{ name: 'freeze', status: 'ok', startedAt: 'x', durationMs: 1 }],
    });
    await journal.finishSet('s-old', { state: 'failed', reason: 'boom' });
    const all = await journal.listSets();
    expect(all.map((s) => s.id)).toEqual(['s-new', 's-mid', 's-old']);
    for (const set of all) {
      expect(set).toEqual(await journal.getSet(set.id));
      expect(set.members.every((m) => m.setId === set.id)).toBe(true);
    }
    expect(all[0]!.members.map((m) => [m.volumeId, m.snapshotName, m.state, m.path])).toEqual([
      ['v1', 's1b', 'pending', null],
      ['v2', 's2b', 'created', 'P/A/f2@s2b'],
    ]);
    expect(await journal.listSets({ instanceId: 'i1' })).toEqual([all[0], all[2]]);
    expect(await journal.listSets({ states: ['complete', 'creating'] })).toEqual([all[0], all[1]]);
  });

  it('keeps steps in the order they were recorded', async () => {
    const journal = tempJournal();
    await journal.insertOperation({ id: 'op1', kind: 'rollback', instanceId: 'i1', instanceName: 'web-1', plan: {} });
    await journal.recordStep('op1', { name: 'stop', status: 'ok', startedAt: '2026-11-26T00:00:00.000Z', durationMs: 1.5, detail: {} });
    await journal.recordStep('op1', {
      name: 'rollback-volume',
      status: 'failed',
      startedAt: '2026-11-26T00:00:01.000Z',
      durationMs: 2,
      detail: { volumeId: 'v1', error: 'boom' },
    });
    await journal.recordStep('op1', { name: 'start', status: 'skipped', startedAt: '2026-11-26T00:00:02.000Z', durationMs: 0 });
    expect(await journal.listSteps('op1')).toEqual([
      { name: 'stop', status: 'ok', startedAt: '2026-11-26T00:00:00.000Z', durationMs: 1.5, detail: {} },
      { name: 'rollback-volume', status: 'failed', startedAt: '2026-11-26T00:00:01.000Z', durationMs: 2, detail: { volumeId: 'v1', error: 'boom' } },
      { name: 'start', status: 'skipped', startedAt: '2026-11-26T00:00:02.000Z', durationMs: 0 },
    ]);
    expect(await journal.listSteps('op2')).toEqual([]);
  });

  it('an operation that records its error stays unfinished; recover closes it and frees its locks', async () => {
    const journal = tempJournal();
    await journal.acquireLock('i1', 'op1');
    await journal.insertOperation({ id: 'op1', kind: 'rollback', instanceId: 'i1', instanceName: 'web-1', plan: {} });
    await journal.setOperationState('op1', 'rolling-back');
    await journal.recordOperationError('op1', {
      errorCode: 'CCSNAP_ROLLBACK_INCOMPLETE',
      errorMessage: 'stopped',
      result: { volumes: [['v1', { state: 'failed' }]] },
    });
    const [op] = await journal.listUnfinishedOperations();
    expect(op).toMatchObject({
      id: 'op1',
      state: 'rolling-back',
      finishedAt: null,
      errorCode: 'CCSNAP_ROLLBACK_INCOMPLETE',
      errorMessage: 'stopped',
      result: { volumes: [['v1', { state: 'failed' }]] },
    });
    expect((await journal.readLock('i1'))?.opId).toBe('op1');
    await journal.adoptOperation('op1');
    expect(await journal.readLock('i1')).toMatchObject({ opId: 'op1', pid: process.pid });
    await journal.finishOperation('op1', { state: 'failed', errorCode: 'CCSNAP_INTERRUPTED', errorMessage: 'recovered' });
    await journal.releaseLocksOf('op1');
    expect(await journal.readLock('i1')).toBeUndefined();
    expect(await journal.listUnfinishedOperations()).toEqual([]);
  });

  it('a snapshot gone marks its member deleted, and the set once nothing of it is left', async () => {
    const journal = tempJournal();
    await journal.insertSet({
      id: 'abc',
      instanceId: 'i1',
      instanceName: 'web-1',
      label: null,
      createdAt: '2026-11-26T00:00:00Z',
      opId: 'op1',
      members: TWO_MEMBERS,
    });
    await journal.finishSet('abc', { state: 'complete' });
    await journal.markSnapshotGone('s1');
    expect(await journal.getSet('abc')).toMatchObject({ state: 'complete', members: [{ state: 'deleted' }, { state: 'pending' }] });
    await journal.markSnapshotGone('unknown');
    await journal.markSnapshotGone('s2');
    expect((await journal.getSet('abc'))?.state).toBe('deleted');
  });

  it('lists operations whose freeze was sent until their thaw is confirmed', async () => {
    const journal = tempJournal();
    await journal.insertOperation({ id: 'op1', kind: 'create', instanceId: 'i1', instanceName: 'web-1', domain: 'instance-1', plan: {} });
    await journal.markFreezeSent('op1', new Date('2026-11-26T00:00:00Z'));
    await journal.finishOperation('op1', { state: 'failed', errorCode: 'CCSNAP_FREEZE_FAILED', errorMessage: 'agent timeout' });
    expect(await journal.listThawPending()).toEqual([expect.objectContaining({ id: 'op1', state: 'failed', freezeSentAt: '2026-11-26T00:00:00.000Z' })]);
    await journal.markThawConfirmed('op1', 'recover');
    expect(await journal.listThawPending()).toEqual([]);
  });

  it('refuses a second lock on the same instance and names the holder', async () => {
    const journal = tempJournal();
    await journal.acquireLock('i1', 'op1');
    await expect(journal.acquireLock('i1', 'op2')).rejects.toThrow(expect.objectContaining({ code: 'CCSNAP_LOCKED' }));
    await journal.releaseLock('i1', 'op1');
    await expect(journal.acquireLock('i1', 'op2')).resolves.toBeUndefined();
  });

  it('withInstanceLock releases the lock when the work fails', async () => {
    const journal = tempJournal();
    await expect(
      withInstanceLock(journal, 'i1', async () => {
        expect(await journal.readLock('i1')).toBeDefined();
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await journal.readLock('i1')).toBeUndefined();
  });

  it('reports a lock of a dead process as stale', async () => {
    const path = tempPath();
    const journal = openJournal(path);
    await journal.acquireLock('i1', 'op1');
    // SQLite-specific: a second connection plays a ccsnap process that died holding the lock.
    const raw = new Database(path);
    raw.prepare('UPDATE locks SET pid = 2147483646').run();
    raw.close();
    try {
      await journal.acquireLock('i1', 'op2');
      expect.unreachable();
    } catch (err) {
      expect((err as { details: { stale: boolean } }).details.stale).toBe(true);
      // A fact, not a command to run: the CLI adds that hint (src/cli/hints.ts).
      expect((err as Error).message).toMatch(/of a dead ccsnap process \(pid 2147483646\)$/);
    }
  });
});
