import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { openJournal } from '../../../src/journal/index.js';

/**
 * The SQLite journal's lookups go through an index, not a scan of every set or member: a daemon's journal
 * holds 10⁵ sets, and SQLite runs on the event loop that also serves open freeze windows.
 */
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function migratedPath(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'ccsnap-journal-'));
  dirs.push(dir);
  const path = join(dir, 'j.db');
  await openJournal(path).close();
  return path;
}

const LOOKUPS: Array<[string, string]> = [
  ['a snapshot gone, by name', 'SELECT set_id FROM members WHERE snapshot_name = ?'],
  ['a snapshot gone, marked', "UPDATE members SET state = 'deleted' WHERE snapshot_name = ?"],
  ["an operation's sets", 'SELECT * FROM sets WHERE op_id = ?'],
  ["a batch of volumes' sets", 'SELECT id FROM sets WHERE id IN (SELECT set_id FROM members WHERE volume_id IN (SELECT value FROM json_each(?)))'],
  ["an instance's sets", 'SELECT id FROM sets WHERE instance_id = ?'],
];

describe('SQLite journal indexes', () => {
  it.each(LOOKUPS)('%s uses an index', async (_what, sql) => {
    const db = new Database(await migratedPath(), { readonly: true });
    try {
      const plan = (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all('x') as Array<{ detail: string }>).map((r) => r.detail);
      expect(plan.filter((d) => /^SCAN (members|sets)\b/.test(d))).toEqual([]);
      expect(plan.some((d) => /USING (COVERING )?INDEX/.test(d))).toBe(true);
    } finally {
      db.close();
    }
  });
});
