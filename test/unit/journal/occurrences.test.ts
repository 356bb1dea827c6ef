import { mkdtempSync, rmSync } from 'node:fs';
import { hostname } from 'node:os';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { openJournal } from '../../../src/journal/index.js';
import { MIGRATIONS } from '../../../src/journal/sqlite/schema.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function tempPath() {
  const dir = mkdtempSync(join(tmpdir(), 'ccsnap-occ-'));
  dirs.push(dir);
  return join(dir, 'j.db');
}

const OCC = 'hourly@2026-05-01T10:00:00Z';

describe('journal migration 3 (policies)', () => {
  it('upgrades a journal of schema 2 in place: old sets read as manual ones', async () => {
    const path = tempPath();
    const raw = new Database(path);
    for (const m of MIGRATIONS.slice(0, 2)) raw.exec(m);
    raw.pragma('user_version = 2');
    raw
      .prepare(
        `INSERT INTO sets (id, instance_id, instance_name, label, created_at, state, op_id) VALUES ('old', 'i1', 'web-1', 'x', '2026-01-01T00:00:00Z', 'complete', 'op0')`,
      )
      .run();
    raw.close();
    const journal = openJournal(path);
    expect(await journal.getSet('old')).toMatchObject({ id: 'old', state: 'complete', policy: null, occurrence: null });
    expect(await journal.listOccurrences()).toEqual([]);
    await journal.close();
    const check = new Database(path);
    expect(check.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    check.close();
  });
});

describe('SQLite journal: occurrences of a dead owner', () => {
  it('a running occurrence whose owner died is adopted, then finished with its result', async () => {
    const path = tempPath();
    const journal = openJournal(path);
    await journal.recordOccurrence({ policy: 'hourly', occurrence: OCC, scheduledAt: '2026-05-01T10:00:00Z', state: 'due' });
    await journal.startOccurrence('hourly', OCC);
    const raw = new Database(path);
    raw.prepare("UPDATE occurrences SET pid = 2147483646, hostname = 'elsewhere'").run();
    raw.close();
    expect(await journal.getOccurrence('hourly', OCC)).toMatchObject({ pid: 2147483646, hostname: 'elsewhere', ownerAlive: null });
    await journal.adoptOccurrence('hourly', OCC);
    expect(await journal.getOccurrence('hourly', OCC)).toMatchObject({ state: 'running', pid: process.pid, hostname: hostname() });
    await journal.finishOccurrence('hourly', OCC, {
      state: 'done',
      result: {
        instances: [
          { id: 'i1', setId: 'p1' },
          { id: 'i2', missed: 'locked' },
        ],
      },
    });
    expect(await journal.getOccurrence('hourly', OCC)).toMatchObject({
      state: 'done',
      finishedAt: expect.any(String),
      result: {
        instances: [
          { id: 'i1', setId: 'p1' },
          { id: 'i2', missed: 'locked' },
        ],
      },
    });
    expect(await journal.startOccurrence('hourly', OCC)).toBe(false);
  });

  it('adopting from a named owner is a compare-and-set: of two adopters, one wins', async () => {
    const path = tempPath();
    const journal = openJournal(path);
    await journal.recordOccurrence({ policy: 'hourly', occurrence: OCC, scheduledAt: '2026-05-01T10:00:00Z', state: 'due' });
    await journal.startOccurrence('hourly', OCC);
    const raw = new Database(path);
    raw.prepare("UPDATE occurrences SET pid = 2147483646, hostname = 'elsewhere'").run();
    raw.close();
    const dead = { pid: 2147483646, hostname: 'elsewhere' };
    expect(await journal.adoptOccurrence('hourly', OCC, dead)).toBe(true);
    // A second adopter that saw the same dead owner loses: the owner is this process now.
    expect(await journal.adoptOccurrence('hourly', OCC, dead)).toBe(false);
    expect(await journal.getOccurrence('hourly', OCC)).toMatchObject({ state: 'running', pid: process.pid, hostname: hostname() });
  });
});
