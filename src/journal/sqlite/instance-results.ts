import type { InstanceResultRecord } from '../port.js';
import type { Db } from './open.js';

/** Records (or replaces) one instance's outcome for an occurrence. */
export function recordInstanceResult(db: Db, policy: string, occurrence: string, instanceId: string, result: unknown): void {
  db.prepare(
    `INSERT INTO instance_results (policy, occurrence, instance_id, result_json, recorded_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (policy, occurrence, instance_id) DO UPDATE SET result_json = excluded.result_json, recorded_at = excluded.recorded_at`,
  ).run(policy, occurrence, instanceId, JSON.stringify(result ?? null), new Date().toISOString());
}

export function listInstanceResults(db: Db, policy: string, occurrence: string): InstanceResultRecord[] {
  const rows = db
    .prepare(`SELECT instance_id, result_json, recorded_at FROM instance_results WHERE policy = ? AND occurrence = ? ORDER BY instance_id`)
    .all(policy, occurrence) as Array<{ instance_id: string; result_json: string; recorded_at: string }>;
  return rows.map((r) => ({ instanceId: r.instance_id, result: JSON.parse(r.result_json) as unknown, recordedAt: r.recorded_at }));
}
