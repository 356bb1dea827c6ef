import type { MemberChange, NewSet, SetFilter, SetOutcome } from '../port.js';
import type { MemberRecord, SetRecord } from '../types.js';
import { toMember, toSet, type Interner, type MemberRow, type SetRow } from '../rows.js';
import { CcsnapError } from '../../errors.js';
import type { Db } from './open.js';
import { newestFirst, whereOf } from './set-filter.js';

/** The columns listSets reads, in this order (raw rows: arrays, not one object per row). */
const SET_COLUMNS =
  'rowid, id, instance_id, instance_name, label, created_at, state, consistency, reason, frozen_ms, thawed_by, op_id, steps_json, policy, occurrence';
const MEMBER_COLUMNS = 'rowid, set_id, volume_id, array_name, fs_id, snapshot_name, path, state, error';
type RawRow = [number, ...Array<string | number | null>];

/** A raw row of SET_COLUMNS (after its rowid) as a set row. */
function setRowOf(r: RawRow): SetRow {
  return {
    id: r[1] as string,
    instance_id: r[2] as string,
    instance_name: r[3] as string,
    label: r[4] as string | null,
    created_at: r[5] as string,
    state: r[6] as string,
    consistency: r[7] as string | null,
    reason: r[8] as string | null,
    frozen_ms: r[9] as number | null,
    thawed_by: r[10] as string | null,
    op_id: r[11] as string,
    steps_json: r[12] as string | null,
    policy: r[13] as string | null,
    occurrence: r[14] as string | null,
  };
}

/** A raw row of MEMBER_COLUMNS (after its rowid) as a member row. */
function memberRowOf(r: RawRow): MemberRow {
  return {
    set_id: r[1] as string,
    volume_id: r[2] as string,
    array_name: r[3] as string,
    fs_id: r[4] as string,
    snapshot_name: r[5] as string,
    path: r[6] as string | null,
    state: r[7] as string,
    error: r[8] as string | null,
  };
}

/** Records a set and its members as pending, before anything is created on the array. */
export function insertSet(db: Db, set: NewSet): void {
  const policy = set.policy ?? null;
  const occurrence = set.occurrence ?? null;
  if ((policy === null) !== (occurrence === null)) {
    throw new CcsnapError('CCSNAP_INTERNAL', `set ${set.id}: a policy set records both its policy and its occurrence`);
  }
  db.transaction(() => {
    db.prepare(
      `INSERT INTO sets (id, instance_id, instance_name, label, created_at, state, op_id, policy, occurrence) VALUES (?, ?, ?, ?, ?, 'creating', ?, ?, ?)`,
    ).run(set.id, set.instanceId, set.instanceName, set.label, set.createdAt, set.opId, policy, occurrence);
    const insert = db.prepare(`INSERT INTO members (set_id, volume_id, array_name, fs_id, snapshot_name, state) VALUES (?, ?, ?, ?, ?, 'pending')`);
    for (const m of set.members) insert.run(set.id, m.volumeId, m.arrayName, m.fsId, m.snapshotName);
  })();
}

export function updateMember(db: Db, setId: string, volumeId: string, change: MemberChange): void {
  db.prepare('UPDATE members SET state = ?, path = COALESCE(?, path), error = ? WHERE set_id = ? AND volume_id = ?').run(
    change.state,
    change.path ?? null,
    change.error ?? null,
    setId,
    volumeId,
  );
}

export function finishSet(db: Db, setId: string, outcome: SetOutcome): void {
  db.prepare(
    'UPDATE sets SET state = ?, consistency = COALESCE(?, consistency), reason = ?, frozen_ms = COALESCE(?, frozen_ms), thawed_by = COALESCE(?, thawed_by), steps_json = COALESCE(?, steps_json) WHERE id = ?',
  ).run(
    outcome.state,
    outcome.consistency ?? null,
    outcome.reason ?? null,
    outcome.frozenMs ?? null,
    outcome.thawedBy ?? null,
    outcome.steps ? JSON.stringify(outcome.steps) : null,
    setId,
  );
}

export function getSet(db: Db, setId: string): SetRecord | undefined {
  const row = db.prepare('SELECT * FROM sets WHERE id = ?').get(setId) as SetRow | undefined;
  return row && toSet(row, membersOf(db, row.id));
}

/** Rows per query of listSets: each chunk is a few milliseconds of work, then the event loop runs. */
const CHUNK_ROWS = 2000;
/**
 * Up to this many sets selected by a filter, their members come in one query (else chunks of all members).
 * A filter by volumes always reads only their members (a list reads the journal a batch at a time).
 */
const FEW_SETS = 1000;

/**
 * Sets of one instance (or all), newest first. A big journal is read in chunks of rows, letting the event
 * loop run between them: 10⁵ sets take about a second to read, which no longer blocks every timer and socket
 * of the process (a daemon's freeze window, the requests a list has out meanwhile). Raw rows never pile up,
 * a member's set id is its set's string, the values that repeat across rows (instance, time, state, array,
 * volume, filesystem…) are one string each, and a set's members array has its exact length.
 * Not one transaction (nor were the two queries before): a set written meanwhile may be in the list or not.
 */
export async function listSets(db: Db, filter: SetFilter = {}): Promise<SetRecord[]> {
  const { cond, args } = whereOf(filter);
  const shared = createInterner();
  const sets: SetRecord[] = [];
  const byId = new Map<string, SetRecord>();
  const columns = filter.withSteps === false ? SET_COLUMNS.replace('steps_json', 'NULL AS steps_json') : SET_COLUMNS;
  const page = db.prepare(`SELECT ${columns} FROM sets WHERE rowid > ? ${cond ? `AND ${cond}` : ''} ORDER BY rowid LIMIT ${CHUNK_ROWS}`).raw(true);
  for (let after = Number.MIN_SAFE_INTEGER; ;) {
    const rows = page.all(after, ...args) as RawRow[];
    for (const row of rows) {
      const set = toSet(setRowOf(row), [], shared);
      sets.push(set);
      byId.set(set.id, set);
    }
    if (rows.length < CHUNK_ROWS) break;
    after = rows[rows.length - 1]![0];
    await nextTurn();
  }
  sets.sort(newestFirst);
  const members = createMemberRuns(byId, shared);
  if (cond && (sets.length <= FEW_SETS || filter.volumeIds)) {
    // Only the members of the sets selected (a filtered list must not read every member of the journal): by
    // the ids just read, not by the filter again (one parameter, whatever their number).
    const rows = db
      .prepare(`SELECT ${MEMBER_COLUMNS} FROM members WHERE set_id IN (SELECT value FROM json_each(?)) ORDER BY rowid`)
      .raw(true)
      .all(JSON.stringify(sets.map((set) => set.id)));
    for (const m of rows as RawRow[]) members.add(memberRowOf(m));
  } else {
    const memberPage = db.prepare(`SELECT ${MEMBER_COLUMNS} FROM members WHERE rowid > ? ORDER BY rowid LIMIT ${CHUNK_ROWS}`).raw(true);
    for (let after = Number.MIN_SAFE_INTEGER; ;) {
      const rows = memberPage.all(after) as RawRow[];
      for (const m of rows) members.add(memberRowOf(m));
      if (rows.length < CHUNK_ROWS) break;
      after = rows[rows.length - 1]![0];
      await nextTurn();
    }
  }
  members.flush();
  return sets;
}

/**
 * Member rows in rowid order, given to their sets (rows of sets not selected are dropped). A set's members
 * are one run of rows (insertSet writes them together); each run becomes an array of its exact length
 * (an array grown by push keeps room for 16: 10⁵ sets of 2 members would waste 11 MB).
 */
function createMemberRuns(byId: Map<string, SetRecord>, shared: Interner): { add(row: MemberRow): void; flush(): void } {
  let owner: SetRecord | undefined;
  let ownerId: string | undefined;
  const run: MemberRecord[] = [];
  const flush = (): void => {
    if (owner && run.length > 0) owner.members = owner.members.length === 0 ? run.slice() : owner.members.concat(run);
    run.length = 0;
  };
  return {
    add(row) {
      if (row.set_id !== ownerId) {
        flush();
        ownerId = row.set_id;
        owner = byId.get(row.set_id);
      }
      if (owner) run.push(toMember(row, owner.id, shared));
    },
    flush,
  };
}

/** Lets the event loop run (timers, sockets) before the next chunk. */
function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** One string per distinct value (of the columns that repeat across rows). */
function createInterner(): Interner {
  const seen = new Map<string, string>();
  return <T extends string | null>(value: T): T => {
    if (value === null) return value;
    const known = seen.get(value);
    if (known !== undefined) return known as T;
    seen.set(value, value);
    return value;
  };
}

export function listSetsOfOperation(db: Db, opId: string): SetRecord[] {
  const rows = db.prepare('SELECT * FROM sets WHERE op_id = ?').all(opId) as SetRow[];
  return rows.map((r) => toSet(r, membersOf(db, r.id)));
}

function membersOf(db: Db, setId: string): MemberRecord[] {
  return (db.prepare('SELECT * FROM members WHERE set_id = ? ORDER BY rowid').all(setId) as MemberRow[]).map((r) => toMember(r));
}

/**
 * Records that an array snapshot is gone (deleted by ccsnap, or destroyed by a rollback): its member
 * becomes `deleted`, and a set with nothing left on the array becomes `deleted`. Unknown names are ignored.
 */
export function markSnapshotGone(db: Db, snapshotName: string): void {
  const row = db.prepare('SELECT set_id FROM members WHERE snapshot_name = ?').get(snapshotName) as { set_id: string } | undefined;
  if (!row) return;
  db.transaction(() => {
    db.prepare("UPDATE members SET state = 'deleted' WHERE snapshot_name = ?").run(snapshotName);
    const left = db.prepare("SELECT COUNT(*) AS n FROM members WHERE set_id = ? AND state NOT IN ('deleted', 'failed')").get(row.set_id) as { n: number };
    if (left.n === 0) db.prepare("UPDATE sets SET state = 'deleted' WHERE id = ?").run(row.set_id);
  })();
}
