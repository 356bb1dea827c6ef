import { CcsnapError } from '../../errors.js';
import type { Pool } from './pool.js';
import { MIGRATIONS } from './schema.js';
import { inTransaction } from './tx.js';

/**
 * Brings the `ccsnap` schema to the newest version in one transaction under an advisory lock: of N workers
 * opening at once, one migrates and the others wait for it, then find nothing to do. ccsnap.migrations
 * records each version applied. Returns the version the journal is at.
 */
export async function migrate(pool: Pool, migrations: readonly string[] = MIGRATIONS): Promise<number> {
  return inTransaction(pool, async (client) => {
    await client.query("SELECT pg_advisory_xact_lock(hashtext('ccsnap.migrations'))");
    // Created only when missing: a role without CREATE on the database can use a schema a DBA made for it.
    const schema = await client.query("SELECT 1 FROM pg_namespace WHERE nspname = 'ccsnap'");
    if (schema.rowCount === 0) await client.query('CREATE SCHEMA ccsnap');
    await client.query('CREATE TABLE IF NOT EXISTS ccsnap.migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())');
    const { rows } = await client.query<{ version: number }>('SELECT COALESCE(max(version), 0)::integer AS version FROM ccsnap.migrations');
    const current = rows[0]?.version ?? 0;
    if (current > migrations.length) {
      throw new CcsnapError('CCSNAP_JOURNAL_VERSION', `journal schema ${current} is newer than this ccsnap understands (${migrations.length})`);
    }
    for (let v = current; v < migrations.length; v++) {
      await client.query(migrations[v]!);
      await client.query('INSERT INTO ccsnap.migrations (version) VALUES ($1)', [v + 1]);
    }
    return migrations.length;
  });
}
