import type { Pool, PoolClient } from './pool.js';
import { isConnectionError } from './pool.js';

/** Runs `fn` in one transaction on one pooled connection: COMMIT when it returns, ROLLBACK when it throws. */
export async function inTransaction<T>(pool: Pool, fn: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken = false;
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    broken = isConnectionError(err);
    if (!broken) await client.query('ROLLBACK').catch(() => (broken = true));
    throw err;
  } finally {
    // A connection that failed is dropped, not handed to the next caller.
    client.release(broken);
  }
}
