import type { Pool } from './pool.js';

/** This journal instance as an owner of operations, locks and occurrences. */
export interface Owner {
  id: string;
  hostname: string;
  pid: number;
  leaseMs: number;
}

/** Owners whose lease ended this long ago are removed at open (their records keep pid and hostname). */
const PRUNE_AFTER = "interval '7 days'";

/**
 * Registers the owner with a lease of `leaseMs` from the server's now(), and prunes owners long dead (best
 * effort). An upsert: an open that failed after its insert committed is tried again with the same owner id,
 * and no write of this owner has happened before registration succeeds, so nothing is revived.
 */
export async function registerOwner(pool: Pool, owner: Owner): Promise<void> {
  await pool.query(
    `INSERT INTO ccsnap.owners (id, hostname, pid, lease_until) VALUES ($1, $2, $3, now() + $4::double precision * interval '1 millisecond')
     ON CONFLICT (id) DO UPDATE SET lease_until = EXCLUDED.lease_until`,
    [owner.id, owner.hostname, owner.pid, owner.leaseMs],
  );
  await pool.query(`DELETE FROM ccsnap.owners WHERE lease_until < now() - ${PRUNE_AFTER}`).catch(() => undefined);
}

/**
 * The heartbeat: the lease runs `leaseMs` from now, by the server's clock, if it still runs. A lease that ran
 * out is never renewed (false): another worker may have taken over what this owner held (see lease.ts).
 */
export async function renewLease(pool: Pool, owner: Owner): Promise<boolean> {
  const { rowCount } = await pool.query(
    `UPDATE ccsnap.owners SET lease_until = now() + $2::double precision * interval '1 millisecond' WHERE id = $1 AND lease_until > now()`,
    [owner.id, owner.leaseMs],
  );
  return rowCount === 1;
}

/** A clean shutdown: the lease ends now, so what this owner left unfinished is recoverable at once. */
export async function endLease(pool: Pool, ownerId: string): Promise<void> {
  await pool.query("UPDATE ccsnap.owners SET lease_until = now() - interval '1 millisecond' WHERE id = $1", [ownerId]);
}

/**
 * SQL for a record's `owner_alive` column: null without an owner, else whether its lease runs (a pruned
 * owner is dead). `alias` is the record's table alias; the query LEFT JOINs ccsnap.owners as `ow`.
 */
export function ownerAliveSql(alias: string): string {
  return `CASE WHEN ${alias}.owner_id IS NULL THEN NULL ELSE COALESCE(ow.lease_until > now(), false) END AS owner_alive`;
}

export function joinOwner(alias: string): string {
  return `LEFT JOIN ccsnap.owners ow ON ow.id = ${alias}.owner_id`;
}
