import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openJournal, type SetFilter } from '../../../src/journal/index.js';
import { openDatabase, type Db } from '../../../src/journal/sqlite/open.js';
import { createSetReader, defaultReaderScript, type SetReader } from '../../../src/journal/sqlite/set-reader.js';
import { listSets } from '../../../src/journal/sqlite/sets.js';

/**
 * A list's batch reads run on the journal's reader thread (SQLite writes one JSON text, the event loop parses
 * it). The thread only accelerates: its records are those of the journal's own rows, and a reader thread
 * that cannot start, dies or fails a read still gets every read answered, on the journal's own connection.
 */
const fixture = (name: string): string => fileURLToPath(new URL(`../../fixtures/journal/${name}`, import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'ccsnap-reader-'));
const path = join(dir, 'j.db');
let db: Db;
const readers: SetReader[] = [];

beforeAll(async () => {
  const journal = openJournal(path);
  const add = async (id: string, instanceId: string, createdAt: string, volumes: string[]): Promise<void> => {
    await journal.insertOperation({ id: `op-${id}`, kind: 'create', instanceId, instanceName: `name-${instanceId}`, plan: {} });
    await journal.insertSet({
      id,
      instanceId,
      instanceName: `name-${instanceId}`,
      label: id === 's2' ? 'before "upgrade"\n' : null,
      createdAt,
      opId: `op-${id}`,
      members: volumes.map((volumeId, i) => ({ volumeId, arrayName: 'ec1', fsId: `fs-${volumeId}`, snapshotName: `snap${i}-${id}` })),
    });
  };
  await add('s1', 'i1', '2026-11-26T01:00:00Z', ['v1', 'v2']);
  await add('s2', 'i1', '2026-11-26T02:00:00Z', ['v1', 'v2']);
  await add('s3', 'i2', '2026-11-26T02:00:00Z', ['v3', 'v1']);
  await add('s4', 'i3', '2026-11-26T03:00:00Z', ['v4']);
  await journal.updateMember('s2', 'v1', { state: 'created', path: 'P/A/v1@snap0-s2' });
  await journal.updateMember('s2', 'v2', { state: 'failed', error: 'array said no' });
  await journal.finishSet('s2', {
    state: 'failed',
    consistency: 'filesystem-consistent',
    reason: 'one member failed',
    frozenMs: 12.5,
    thawedBy: 'ccsnap',
    steps: [{ name: 'freeze', status: 'ok', startedAt: '2026-11-26T02:00:00.000Z', durationMs: 3 }],
  });
  await journal.close();
  db = openDatabase(path);
});

afterAll(async () => {
  for (const r of readers) await r.close();
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const reader = (script: string | null, at = path): SetReader => {
  const r = createSetReader(db, at, script);
  readers.push(r);
  return r;
};

const FILTERS: SetFilter[] = [
  { volumeIds: ['v1'] },
  { volumeIds: ['v1', 'v4', 'nowhere'], withSteps: false },
  { volumeIds: ['v2'], states: ['failed'] },
  { volumeIds: ['v1'], instanceId: 'i2' },
  { volumeIds: [] },
];

describe('the journal reader thread', () => {
  it("answers with the records the journal's own rows make, in listSets' order", async () => {
    const r = reader(defaultReaderScript());
    for (const filter of FILTERS) expect(await r.listSets(filter)).toEqual(await listSets(db, filter));
    expect(r.stats()).toEqual({ onThread: FILTERS.length, onOwnConnection: 0 });
    const [s2] = await r.listSets({ volumeIds: ['v2'], states: ['failed'] });
    expect(s2).toMatchObject({ id: 's2', label: 'before "upgrade"\n', frozenMs: 12.5, steps: [{ name: 'freeze', durationMs: 3 }] });
    expect(s2!.members.map((m) => [m.volumeId, m.state, m.path, m.error])).toEqual([
      ['v1', 'created', 'P/A/v1@snap0-s2', null],
      ['v2', 'failed', null, 'array said no'],
    ]);
  });

  it('reads on the journal’s own connection without a script, or for a journal in memory', async () => {
    for (const r of [reader(null), reader(defaultReaderScript(), ':memory:')]) {
      for (const filter of FILTERS) expect(await r.listSets(filter)).toEqual(await listSets(db, filter));
      expect(r.stats()).toEqual({ onThread: 0, onOwnConnection: FILTERS.length });
    }
  });

  it('answers every read when the thread cannot start, dies at a read, or fails it', async () => {
    for (const script of [join(dir, 'no-such-reader.mjs'), fixture('reader-exits.mjs'), fixture('reader-fails.mjs')]) {
      const r = reader(script);
      const answers = await Promise.all(FILTERS.map((filter) => r.listSets(filter)));
      expect(answers).toEqual(await Promise.all(FILTERS.map((filter) => listSets(db, filter))));
      expect(r.stats()).toEqual({ onThread: 0, onOwnConnection: FILTERS.length });
    }
  });

  it('answers a read still out when it is closed', async () => {
    const r = reader(defaultReaderScript());
    const out = r.listSets({ volumeIds: ['v1'] });
    await r.close();
    expect((await out).map((s) => s.id)).toEqual(['s2', 's3', 's1']);
  });

  it('never keeps a process alive: a journal left open still lets it end', async () => {
    const child = spawn(process.execPath, [fixture('list-without-close.mjs'), path], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(0);
    expect(JSON.parse(out)).toEqual({ sets: 3, reads: { onThread: 1, onOwnConnection: 0 } });
  });
});
