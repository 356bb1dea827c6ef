import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { socketUrl, type PgClusterInfo } from '../helpers/postgres.js';

/**
 * Each test file (or test) works in a database of its own in the suite's cluster: `createDatabase` makes a
 * fresh one and returns its name; `dropDatabases` removes those a file made (after its journals closed).
 */
export async function createDatabase(info: PgClusterInfo, prefix = 'ccsnap_test'): Promise<string> {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  await asAdmin(info, (client) => client.query(`CREATE DATABASE ${name}`));
  return name;
}

export async function dropDatabases(info: PgClusterInfo, names: string[]): Promise<void> {
  await asAdmin(info, async (client) => {
    for (const name of names) await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  });
}

/** One connection to the cluster's `postgres` database over the socket, closed after `fn`. */
export async function asAdmin<T>(info: PgClusterInfo, fn: (client: pg.Client) => Promise<T>, database = 'postgres'): Promise<T> {
  const client = new pg.Client({ connectionString: socketUrl(info, database) });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}
