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

const MEMBERS = [{ volumeId: 'v1', arrayName: 'ec1', fsId: 'f1', snapshotName: 's1' }];
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

describe('policy sets', () => {
  it('record the policy and the occurrence they served, and list by either', async () => {
    const journal = openJournal(tempPath());
    await journal.insertSet({
      id: 'p1',
      instanceId: 'i1',
      instanceName: 'web-1',
      label: 'hourly',
      createdAt: '2026-05-01T10:00:05Z',
      opId: 'op1',
      members: MEMBERS,
      policy: 'hourly',
      occurrence: OCC,
    });
    await journal.insertSet({
      id: 'm1',
      instanceId: 'i1',
      instanceName: 'web-1',
      label: null,
      createdAt: '2026-05-01T10:30:00Z',
      opId: 'op2',
      members: [{ ...MEMBERS[0]!, snapshotName: 's2' }],
    });
    expect(await journal.getSet('p1')).toMatchObject({ policy: 'hourly', occurrence: OCC });
    expect(await journal.getSet('m1')).toMatchObject({ policy: null, occurrence: null });
    expect((await journal.listSets({ policy: 'hourly' })).map((s) => s.id)).toEqual(['p1']);
    expect((await journal.listSets({ occurrence: OCC })).map((s) => s.id)).toEqual(['p1']);
    expect(await journal.listSets({ policy: 'daily' })).toEqual([]);
    expect((await journal.listSets()).map((s) => s.id)).toEqual(['m1', 'p1']);
  });

  it('refuse a policy without its occurrence (and the reverse), writing nothing', async () => {
    const journal = openJournal(tempPath());
    const base = { instanceId: 'i1', instanceName: 'web-1', label: null, createdAt: '2026-05-01T10:00:00Z', opId: 'op1', members: MEMBERS };
    await expect(journal.insertSet({ ...base, id: 'a', policy: 'hourly' })).rejects.toThrow(expect.objectContaining({ code: 'CCSNAP_INTERNAL' }));
    await expect(journal.insertSet({ ...base, id: 'b', occurrence: OCC })).rejects.toThrow(expect.objectContaining({ code: 'CCSNAP_INTERNAL' }));
    expect(await journal.listSets()).toEqual([]);
  });
});

describe('occurrences', () => {
  it('are recorded once: the second record of the same (policy, occurrence) changes nothing', async () => {
    const journal = openJournal(tempPath());
    expect(await journal.recordOccurrence({ policy: 'hourly', occurrence: OCC, scheduledAt: '2026-05-01T10:00:00Z', state: 'due' })).toBe(true);
    expect(await journal.recordOccurrence({ policy: 'hourly', occurrence: OCC, scheduledAt: '2026-05-01T10:00:00Z', state: 'missed', reason: 'x' })).toBe(
      false,
    );
    expect(await journal.getOccurrence('hourly', OCC)).toMatchObject({ state: 'due', reason: null, pid: null, startedAt: null, finishedAt: null });
    // The same instant of another policy is another occurrence.
    expect(
      await journal.recordOccurrence({ policy: 'daily', occurrence: 'daily@2026-05-01T10:00:00Z', scheduledAt: '2026-05-01T10:00:00Z', state: 'due' }),
    ).toBe(true);
  });

  it('start once: due → running for exactly one runner, even on two connections to the file', async () => {
    const path = tempPath();
    const a = openJournal(path);
    const b = openJournal(path);
    await a.recordOccurrence({ policy: 'hourly', occurrence: OCC, scheduledAt: '2026-05-01T10:00:00Z', state: 'due' });
    expect(await b.recordOccurrence({ policy: 'hourly', occurrence: OCC, scheduledAt: '2026-05-01T10:00:00Z', state: 'due' })).toBe(false);
    expect(await a.startOccurrence('hourly', OCC)).toBe(true);
    expect(await b.startOccurrence('hourly', OCC)).toBe(false);
    expect(await b.getOccurrence('hourly', OCC)).toMatchObject({ state: 'running', pid: process.pid, hostname: hostname(), startedAt: expect.any(String) });
    expect(await a.startOccurrence('hourly', 'hourly@2026-05-01T11:00:00Z')).toBe(false); // unknown
    await a.close();
    await b.close();
  });

  it('a running occurrence whose owner died is adopted, then finished with its result', async () => {
    const path = tempPath();
    const journal = openJournal(path);
    await journal.recordOccurrence({ policy: 'hourly', occurrence: OCC, scheduledAt: '2026-05-01T10:00:00Z', state: 'due' });
    await journal.startOccurrence('hourly', OCC);
    const raw = new Database(path);
    raw.prepare("UPDATE occurrences SET pid = 2147483646, hostname = 'elsewhere'").run();
    raw.close();
    expect(await journal.getOccurrence('hourly', OCC)).toMatchObject({ pid: 2147483646, hostname: 'elsewhere' });
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

  it('adopting touches only a running occurrence', async () => {
    const path = tempPath();
    const journal = openJournal(path);
    await journal.recordOccurrence({ policy: 'hourly', occurrence: OCC, scheduledAt: '2026-05-01T10:00:00Z', state: 'due' });
    expect(await journal.adoptOccurrence('hourly', OCC)).toBe(false);
    expect(await journal.getOccurrence('hourly', OCC)).toMatchObject({ state: 'due', pid: null });
  });

  it('can be recorded missed at once, with the reason', async () => {
    const journal = openJournal(tempPath());
    await journal.recordOccurrence({
      policy: 'hourly',
      occurrence: 'hourly@2026-05-01T07:00:00Z',
      scheduledAt: '2026-05-01T07:00:00Z',
      state: 'missed',
      reason: 'its window passed while no ccsnap ran',
    });
    expect(await journal.getOccurrence('hourly', 'hourly@2026-05-01T07:00:00Z')).toMatchObject({
      state: 'missed',
      reason: 'its window passed while no ccsnap ran',
      finishedAt: expect.any(String),
      pid: null,
    });
    expect(await journal.startOccurrence('hourly', 'hourly@2026-05-01T07:00:00Z')).toBe(false);
  });

  it('list newest scheduled first, by policy, state and limit', async () => {
    const journal = openJournal(tempPath());
    const rec = (policy: string, iso: string, state: 'due' | 'missed') =>
      journal.recordOccurrence({ policy, occurrence: `${policy}@${iso}`, scheduledAt: iso, state });
    await rec('hourly', '2026-05-01T09:00:00Z', 'missed');
    await rec('hourly', '2026-05-01T11:00:00Z', 'due');
    await rec('hourly', '2026-05-01T10:00:00Z', 'due');
    await rec('daily', '2026-05-01T00:00:00Z', 'due');
    expect((await journal.listOccurrences()).map((o) => o.occurrence)).toEqual([
      'hourly@2026-05-01T11:00:00Z',
      'hourly@2026-05-01T10:00:00Z',
      'hourly@2026-05-01T09:00:00Z',
      'daily@2026-05-01T00:00:00Z',
    ]);
    expect((await journal.listOccurrences({ policy: 'hourly', limit: 1 })).map((o) => o.occurrence)).toEqual(['hourly@2026-05-01T11:00:00Z']);
    expect((await journal.listOccurrences({ policy: 'hourly', states: ['missed'] })).map((o) => o.occurrence)).toEqual(['hourly@2026-05-01T09:00:00Z']);
    expect(await journal.listOccurrences({ policy: 'daily', states: ['done'] })).toEqual([]);
  });
});
