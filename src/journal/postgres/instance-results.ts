import type { InstanceResultRecord } from '../port.js';
import type { Db } from './db.js';

/** Records (or replaces) one instance's outcome for an occurrence, in one statement. */
export async function recordInstanceResult(db: Db, policy: string, occurrence: string, instanceId: string, result: unknown): Promise<void> {
  await db.pool.query(
    `INSERT INTO ccsnap.instance_results (policy, occurrence, instance_id, result_json, recorded_at) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (policy, occurrence, instance_id) DO UPDATE SET result_json = excluded.result_json, recorded_at = excluded.recorded_at`,
    [policy, occurrence, instanceId, JSON.stringify(result ?? null), new Date()],
  );
}

export async function listInstanceResults(db: Db, policy: string, occurrence: string): Promise<InstanceResultRecord[]> {
  const { rows } = await db.pool.query<{ instance_id: string; result_json: string; recorded_at: Date }>(
    `SELECT instance_id, result_json, recorded_at FROM ccsnap.instance_results WHERE policy = $1 AND occurrence = $2 ORDER BY instance_id`,
    [policy, occurrence],
  );
  return rows.map((r) => ({ instanceId: r.instance_id, result: JSON.parse(r.result_json) as unknown, recordedAt: r.recorded_at.toISOString() }));
}
