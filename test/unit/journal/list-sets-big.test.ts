import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteJournal } from '../../../src/journal/sqlite/journal.js';
import type { SetRecord } from '../../../src/journal/types.js';

/** listSets of a journal bigger than one chunk of rows: the same sets, order and members as one query would give. */

const SETS = 4500;
let dir: string;
let path: string;
let journal: SqliteJournal;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ccsnap-journal-big-'));
  path = join(dir, 'j.db');
  journal = SqliteJournal.open(path);
  // Inserted out of time order, with equal times (the id breaks the tie), two instances, some one-member sets.
  journal.batch(() => {
    for (let k = 0; k < SETS; k++) {
      const i = (k * 7919) % SETS;
      const id = `set${String(i).padStart(5, '0')}`;
      const volumes = i % 10 === 0 ? ['v1'] : ['v1', 'v2'];
      void journal.insertSet({
        id,
        instanceId: i % 3 === 0 ? 'i2' : 'i1',
        instanceName: i % 3 === 0 ? 'db-1' : 'web-1',
        label: null,
        createdAt: `2026-11-26T${String(Math.floor(i / 300)).padStart(2, '0')}:00:00.000Z`,
        opId: `op-${id}`,
        members: volumes.map((v) => ({ volumeId: `${v}-${i % 50}`, arrayName: 'ec1', fsId: `fs-${v}-${i % 50}`, snapshotName: `ccs_${id}_${v}` })),
      });
      if (i % 4 === 0) void journal.finishSet(id, { state: 'complete', consistency: 'crash-consistent', frozenMs: 2 });
    }
  });
});
afterAll(async () => {
  await journal?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The oracle: SQLite's own ORDER BY, in one query. */
function idsBySql(where = '', ...args: unknown[]): string[] {
  const raw = new Database(path, { readonly: true });
  try {
    return (raw.prepare(`SELECT id FROM sets ${where} ORDER BY created_at DESC, id`).all(...args) as Array<{ id: string }>).map((r) => r.id);
  } finally {
    raw.close();
  }
}

async function expectAsGetSet(sets: SetRecord[]): Promise<void> {
  for (const set of sets) expect(set).toEqual(await journal.getSet(set.id));
}

describe('listSets of a big journal', () => {
  it('lists every set newest first (then by id), each with its own members, as getSet reads them', async () => {
    const all = await journal.listSets();
    expect(all.map((s) => s.id)).toEqual(idsBySql());
    expect(all).toHaveLength(SETS);
    await expectAsGetSet(all);
  });

  it('filters many sets (members read in chunks) and few sets (one query) alike', async () => {
    const i2 = await journal.listSets({ instanceId: 'i2' });
    expect(i2.map((s) => s.id)).toEqual(idsBySql('WHERE instance_id = ?', 'i2'));
    expect(i2.length).toBeGreaterThan(1000);
    await expectAsGetSet(i2);
    const few = await journal.listSets({ instanceId: 'i2', states: ['complete'] });
    expect(few.map((s) => s.id)).toEqual(idsBySql("WHERE instance_id = ? AND state = 'complete'", 'i2'));
    expect(few.length).toBeLessThan(1000);
    await expectAsGetSet(few);
  });

  it('lets the event loop run while it reads', async () => {
    let turns = 0;
    const tick = (): void => {
      turns++;
      if (!done) setImmediate(tick);
    };
    let done = false;
    setImmediate(tick);
    await journal.listSets();
    done = true;
    expect(turns).toBeGreaterThan(1);
  });
});
