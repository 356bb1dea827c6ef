import type { SetFilter } from '../port.js';
import type { SetRecord } from '../types.js';

/** The WHERE of a set filter over `sets` (unqualified columns) and its arguments; '' selects every set. */
export function whereOf(filter: SetFilter): { cond: string; args: unknown[] } {
  const where: string[] = [];
  const args: unknown[] = [];
  if (filter.instanceId) {
    where.push('instance_id = ?');
    args.push(filter.instanceId);
  }
  if (filter.volumeIds) {
    // One parameter, whatever the number of volumes (SQLite limits the parameters of a statement).
    where.push('id IN (SELECT set_id FROM members WHERE volume_id IN (SELECT value FROM json_each(?)))');
    args.push(JSON.stringify(filter.volumeIds));
  }
  if (filter.states?.length) {
    where.push(`state IN (${filter.states.map(() => '?').join(',')})`);
    args.push(...filter.states);
  }
  if (filter.policy) {
    where.push('policy = ?');
    args.push(filter.policy);
  }
  if (filter.occurrence) {
    where.push('occurrence = ?');
    args.push(filter.occurrence);
  }
  return { cond: where.join(' AND '), args };
}

/** listSets' order: newest first, then id (SQLite's ORDER BY created_at DESC, id: the times and ids are ASCII). */
export function newestFirst(x: SetRecord, y: SetRecord): number {
  return x.createdAt < y.createdAt ? 1 : x.createdAt > y.createdAt ? -1 : x.id < y.id ? -1 : x.id > y.id ? 1 : 0;
}
