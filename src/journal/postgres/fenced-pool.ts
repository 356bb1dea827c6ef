import type { Lease } from './lease.js';
import { isConnectionError, type Pool, type PoolClient } from './pool.js';

/**
 * The pool as the journal's writes see it: a connection is handed out only while the lease is known to run
 * for half its length more, checked once the connection is in hand. Waiting for a connection (every one
 * busy: a pool of 4 under a worker's 8 jobs) can outlast that margin; the write then renews first (or is
 * refused, fenced), instead of leaving late. A statement of a transaction already begun is not checked again.
 */
export function fencedPool(pool: Pool, lease: Lease): Pool {
  const connect = async (): Promise<PoolClient> => {
    for (;;) {
      await lease.ensure();
      const client = await pool.connect();
      if (lease.isFresh()) return client;
      client.release();
    }
  };
  const query = async (...args: unknown[]): Promise<unknown> => {
    const client = await connect();
    let broken = false;
    try {
      return await (client.query as (...a: unknown[]) => Promise<unknown>).apply(client, args);
    } catch (err) {
      broken = isConnectionError(err);
      throw err;
    } finally {
      // A connection that failed is dropped, not handed to the next write.
      client.release(broken);
    }
  };
  // Only what the statements use (a transaction's connect, a statement's query): anything else fails loudly.
  return { connect, query } as unknown as Pool;
}
