import { describe, expect, inject, it } from 'vitest';
import { socketUrl, tcpUrl } from '../helpers/postgres.js';
import { asAdmin, createDatabase, dropDatabases } from './databases.js';
import pg from 'pg';

const info = inject('pg');

describe("the suite's PostgreSQL cluster", () => {
  it('answers on its Unix socket (trust) and on loopback TCP with the password only', async () => {
    const viaSocket = await asAdmin(info, async (c) => (await c.query<{ v: string }>("SELECT current_setting('server_version') AS v")).rows[0]!.v);
    expect(viaSocket).toMatch(/^\d+/);
    const tcp = new pg.Client({ connectionString: tcpUrl(info) });
    await tcp.connect();
    expect((await tcp.query<{ n: number }>('SELECT 1 AS n')).rows).toEqual([{ n: 1 }]);
    await tcp.end();
    const wrong = new pg.Client({ connectionString: tcpUrl({ ...info, password: 'wrong' }) });
    await expect(wrong.connect()).rejects.toThrow(/password authentication failed/);
    expect(socketUrl(info)).toContain(`?host=${encodeURIComponent(info.socketDir)}`);
  });

  it('makes and drops a database per test file', async () => {
    const name = await createDatabase(info);
    const exists = (): Promise<number> => asAdmin(info, async (c) => (await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount ?? 0);
    expect(await exists()).toBe(1);
    await dropDatabases(info, [name]);
    expect(await exists()).toBe(0);
  });
});
