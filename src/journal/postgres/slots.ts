import type { Pool } from './pool.js';
import { inTransaction } from './tx.js';

/**
 * A counting semaphore per scope: at most `capacity` unexpired holders. Each acquire runs in one
 * transaction holding an advisory lock on the scope (the two-key form: its own key space, apart from the
 * migrations' lock), so the count and the insert cannot interleave with another acquirer's. Expiry is by
 * the server's clock. A holder that acquires again (while unexpired) keeps its slot and extends it.
 */
export async function tryAcquireSlot(pool: Pool, scope: string, capacity: number, holder: string, leaseMs: number): Promise<boolean> {
  return inTransaction(pool, async (client) => {
    await client.query("SELECT pg_advisory_xact_lock(hashtext('ccsnap.slots'), hashtext($1))", [scope]);
    await client.query('DELETE FROM ccsnap.slots WHERE scope = $1 AND expires_at <= now()', [scope]);
    const expires = "now() + $3::double precision * interval '1 millisecond'";
    const again = await client.query(`UPDATE ccsnap.slots SET expires_at = ${expires} WHERE scope = $1 AND holder = $2`, [scope, holder, leaseMs]);
    if (again.rowCount === 1) return true;
    const { rows } = await client.query<{ n: number }>('SELECT count(*)::integer AS n FROM ccsnap.slots WHERE scope = $1', [scope]);
    if ((rows[0]?.n ?? 0) >= capacity) return false;
    await client.query(`INSERT INTO ccsnap.slots (scope, holder, expires_at) VALUES ($1, $2, ${expires})`, [scope, holder, leaseMs]);
    return true;
  });
}

export async function releaseSlot(pool: Pool, scope: string, holder: string): Promise<void> {
  await pool.query('DELETE FROM ccsnap.slots WHERE scope = $1 AND holder = $2', [scope, holder]);
}

/** The unexpired holders of `scope`, by name. */
export async function slotHolders(pool: Pool, scope: string): Promise<string[]> {
  const { rows } = await pool.query<{ holder: string }>('SELECT holder FROM ccsnap.slots WHERE scope = $1 AND expires_at > now() ORDER BY holder COLLATE "C"', [
    scope,
  ]);
  return rows.map((r) => r.holder);
}
