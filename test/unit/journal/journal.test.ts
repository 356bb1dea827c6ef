import { mkdtempSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { openJournal } from '../../../src/journal/index.js';
import { MIGRATIONS } from '../../../src/journal/sqlite/schema.js';

/**
 * What only the SQLite backend does (the behaviour both backends share is the contract,
 * contract-sqlite.test.ts): a second connection to the file plays a ccsnap process that died.
 */
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function tempPath() {
  const dir = mkdtempSync(join(tmpdir(), 'ccsnap-journal-'));
  dirs.push(dir);
  return join(dir, 'j.db');
}

function tamper(path: string, sql: string): void {
  const raw = new Database(path);
  raw.prepare(sql).run();
  raw.close();
}

describe('SQLite journal: owners', () => {
  it('reports a lock of a dead process as stale', async () => {
    const path = tempPath();
    const journal = openJournal(path);
    await journal.acquireLock('i1', 'op1');
    tamper(path, 'UPDATE locks SET pid = 2147483646');
    expect(await journal.readLock('i1')).toMatchObject({ pid: 2147483646, ownerAlive: false });
    try {
      await journal.acquireLock('i1', 'op2');
      expect.unreachable();
    } catch (err) {
      expect((err as { details: { stale: boolean } }).details.stale).toBe(true);
      // A fact, not a command to run: the CLI adds that hint (src/cli/hints.ts).
      expect((err as Error).message).toMatch(/of a dead ccsnap process \(pid 2147483646\)$/);
    }
    await journal.close();
  });

  it("cannot tell whether another machine's process lives: ownerAlive is null, and its lock is not called stale", async () => {
    const path = tempPath();
    const journal = openJournal(path);
    await journal.insertOperation({ id: 'op1', kind: 'create', instanceId: 'i1', instanceName: 'web-1', plan: {} });
    await journal.acquireLock('i1', 'op1');
    tamper(path, "UPDATE operations SET pid = 2147483646, hostname = 'elsewhere'");
    tamper(path, "UPDATE locks SET pid = 2147483646, hostname = 'elsewhere'");
    expect((await journal.listUnfinishedOperations())[0]).toMatchObject({ hostname: 'elsewhere', ownerAlive: null, ownerId: expect.any(String) });
    await expect(journal.acquireLock('i1', 'op2')).rejects.toMatchObject({
      code: 'CCSNAP_LOCKED',
      message: 'instance i1 is busy: operation op1 (pid 2147483646 on elsewhere) holds it',
      details: { stale: false, ownerAlive: null },
    });
    await journal.close();
  });

  it('migration 4 upgrades a journal of schema 3 in place: old records have no owner id, and keep the pid rule', async () => {
    const path = tempPath();
    const raw = new Database(path);
    for (const m of MIGRATIONS.slice(0, 3)) raw.exec(m);
    raw.pragma('user_version = 3');
    raw
      .prepare(
        `INSERT INTO operations (id, kind, instance_id, instance_name, state, pid, hostname, started_at, plan_json) VALUES ('old', 'create', 'i1', 'web-1', 'frozen', 2147483646, ?, '2026-01-01T00:00:00Z', '{}')`,
      )
      .run(hostname());
    raw.close();
    const journal = openJournal(path);
    expect((await journal.listUnfinishedOperations())[0]).toMatchObject({ id: 'old', ownerId: null, ownerAlive: false });
    await journal.close();
    const check = new Database(path);
    expect(check.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    check.close();
  });
});

const TWO_MEMBERS = [
  { volumeId: 'v1', arrayName: 'ec1', fsId: 'f1', snapshotName: 's1' },
  { volumeId: 'v2', arrayName: 'ec1', fsId: 'f2', snapshotName: 's2' },
];

describe('SQLite journal: listSets', () => {
  const tempJournal = () => openJournal(tempPath());

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
});
