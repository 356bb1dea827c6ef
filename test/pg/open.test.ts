import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, inject, it } from 'vitest';
import { openJournal, type Journal } from '../../src/journal/index.js';
import { MIGRATIONS } from '../../src/journal/postgres/schema.js';
import { socketUrl, startPgCluster, tcpUrl } from '../helpers/postgres.js';
import { rejectionOf } from '../helpers/rejection.js';
import { asAdmin, createDatabase, dropDatabases } from './databases.js';

const info = inject('pg');
const databases: string[] = [];
const journals: Journal[] = [];
const open = (url: string): Journal => {
  const j = openJournal(url);
  journals.push(j);
  return j;
};
const freshDatabase = async (): Promise<string> => {
  const name = await createDatabase(info);
  databases.push(name);
  return name;
};
afterEach(async () => {
  await Promise.all(journals.splice(0).map((j) => j.close()));
});
afterAll(() => dropDatabases(info, databases));

const versions = (db: string): Promise<number[]> =>
  asAdmin(info, async (c) => (await c.query<{ version: number }>('SELECT version FROM ccsnap.migrations ORDER BY version')).rows.map((r) => r.version), db);

describe('opening a PostgreSQL journal', () => {
  it('openJournal picks PostgreSQL for a postgres:// or postgresql:// URL, with slots; a path stays SQLite, without', async () => {
    const db = await freshDatabase();
    for (const url of [socketUrl(info, db), socketUrl(info, db).replace(/^postgresql:/, 'postgres:')]) {
      const journal = open(url);
      expect(journal.slots).toBeDefined();
      expect(await journal.listLocks()).toEqual([]);
    }
    const dir = mkdtempSync(join(tmpdir(), 'ccsnap-sqlite-'));
    const sqlite = openJournal(join(dir, 'j.db'));
    expect(sqlite.slots).toBeUndefined();
    await sqlite.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('migrates once into the ccsnap schema, records the version, and opening again changes nothing', async () => {
    const db = await freshDatabase();
    await open(socketUrl(info, db)).listLocks();
    expect(await versions(db)).toEqual(MIGRATIONS.map((_, i) => i + 1));
    await open(socketUrl(info, db)).listLocks();
    expect(await versions(db)).toEqual(MIGRATIONS.map((_, i) => i + 1));
    const tables = await asAdmin(
      info,
      async (c) =>
        (
          await c.query<{ schema: string; n: number }>(
            "SELECT table_schema AS schema, count(*)::integer AS n FROM information_schema.tables WHERE table_schema IN ('ccsnap', 'public') GROUP BY 1",
          )
        ).rows,
      db,
    );
    expect(tables).toEqual([{ schema: 'ccsnap', n: 10 }]);
  });

  it('eight workers opening a new database at once migrate it once, and all of them work', async () => {
    const db = await freshDatabase();
    const workers = Array.from({ length: 8 }, () => open(socketUrl(info, db)));
    await Promise.all(workers.map((w, i) => w.recordOccurrence({ policy: `p${i}`, occurrence: `p${i}@x`, scheduledAt: '2026-01-01T00:00:00Z', state: 'due' })));
    expect(await versions(db)).toEqual(MIGRATIONS.map((_, i) => i + 1));
    expect(await workers[0]!.listOccurrences()).toHaveLength(8);
  });

  it('refuses a journal whose schema is newer than this ccsnap (CCSNAP_JOURNAL_VERSION)', async () => {
    const db = await freshDatabase();
    await open(socketUrl(info, db)).listLocks();
    await asAdmin(info, (c) => c.query('INSERT INTO ccsnap.migrations (version) VALUES ($1)', [MIGRATIONS.length + 1]), db);
    const err = await rejectionOf(open(socketUrl(info, db)).listLocks());
    expect(err.code).toBe('CCSNAP_JOURNAL_VERSION');
  });

  it('takes the password from the URL, from PGPASSWORD or from a pgpass file; a wrong one is a one-line CCSNAP_JOURNAL_OPEN without it', async () => {
    const db = await freshDatabase();
    await open(tcpUrl(info, db)).listLocks();
    const bare = tcpUrl(info, db, false);
    expect(bare).not.toContain(info.password);
    const saved = { PGPASSWORD: process.env.PGPASSWORD, PGPASSFILE: process.env.PGPASSFILE };
    const dir = mkdtempSync(join(tmpdir(), 'ccsnap-pgpass-'));
    try {
      process.env.PGPASSWORD = info.password;
      await open(bare).listLocks();
      delete process.env.PGPASSWORD;
      const pgpass = join(dir, 'pgpass');
      writeFileSync(pgpass, `127.0.0.1:${info.port}:${db}:${info.user}:${info.password}\n`, { mode: 0o600 });
      process.env.PGPASSFILE = pgpass;
      await open(bare).listLocks();
      delete process.env.PGPASSFILE;

      const wrong = 'Wr0ng-Pa55word';
      const err = await rejectionOf(open(tcpUrl({ ...info, password: wrong }, db)).listLocks(), { secrets: [wrong, info.password] });
      expect(err.code).toBe('CCSNAP_JOURNAL_OPEN');
      expect(err.message).toContain(`database ${db} on 127.0.0.1:${info.port}`);
      expect(err.message).toMatch(/password authentication failed/);
      expect(err.message).not.toContain('\n');
      expect(err.details).toMatchObject({ journal: `postgresql://${info.user}:***@127.0.0.1:${info.port}/${db}`, database: db, port: info.port });
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('an unreachable server is a one-line CCSNAP_JOURNAL_OPEN naming host, port and database, never the password; the next call tries again', async () => {
    const port = await closedPort();
    const secret = 'S3cret-Of-The-Journal';
    const journal = open(`postgresql://ccsnap:${secret}@127.0.0.1:${port}/jdb`);
    for (let i = 0; i < 2; i++) {
      const err = await rejectionOf(journal.listOperations(), { secrets: [secret] });
      expect(err.code).toBe('CCSNAP_JOURNAL_OPEN');
      expect(err.message).toBe(`cannot open the PostgreSQL journal (database jdb on 127.0.0.1:${port}): connect ECONNREFUSED 127.0.0.1:${port}`);
      expect(err.cause).toBeUndefined();
    }
  });

  it('a URL that does not parse is CCSNAP_JOURNAL_OPEN at once, without its password', () => {
    const secret = 'Tops3cret!';
    let thrown: unknown;
    try {
      openJournal(`postgresql://u:${secret}@host:notaport/db`);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toMatchObject({ code: 'CCSNAP_JOURNAL_OPEN' });
    expect((thrown as Error).message).not.toContain(secret);
    expect((thrown as Error).message).toContain('postgresql://u:***@host:notaport/db');
  });

  it('a server that goes away after the open: CCSNAP_JOURNAL_UNAVAILABLE on the next call, naming where', async () => {
    const own = await startPgCluster();
    try {
      const journal = open(socketUrl(own, 'postgres'));
      expect(await journal.listLocks()).toEqual([]);
      await own.stop();
      const err = await rejectionOf(journal.listLocks());
      expect(err.code).toBe('CCSNAP_JOURNAL_UNAVAILABLE');
      expect(err.message).toContain(`database postgres on socket ${own.socketDir} port ${own.port}`);
      expect(err.message).not.toContain('\n');
    } finally {
      await own.stop().catch(() => undefined);
    }
  });
});

function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}
