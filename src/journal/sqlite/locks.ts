import { lockedError } from '../locks.js';
import type { LockHolder } from '../port.js';
import type { Db } from './open.js';
import { ownerAlive, type Owner } from './owner.js';

/** Takes the per-instance lock atomically, or throws CCSNAP_LOCKED naming the holder. */
export function acquireLock(db: Db, owner: Owner, instanceId: string, opId: string): void {
  const take = db.transaction(() => {
    const holder = readLock(db, instanceId);
    if (holder) throw lockedError(instanceId, holder);
    db.prepare('INSERT INTO locks (instance_id, op_id, pid, hostname, owner_id, acquired_at) VALUES (?, ?, ?, ?, ?, ?)').run(
      instanceId,
      opId,
      owner.pid,
      owner.hostname,
      owner.id,
      new Date().toISOString(),
    );
  });
  take.immediate();
}

export function releaseLock(db: Db, instanceId: string, opId: string): void {
  db.prepare('DELETE FROM locks WHERE instance_id = ? AND op_id = ?').run(instanceId, opId);
}

export function releaseLocksOf(db: Db, opId: string): void {
  db.prepare('DELETE FROM locks WHERE op_id = ?').run(opId);
}

interface LockRow {
  instance_id: string;
  op_id: string;
  pid: number;
  hostname: string;
  owner_id: string | null;
  acquired_at: string;
}

const SELECT = 'SELECT instance_id, op_id, pid, hostname, owner_id, acquired_at FROM locks';

export function readLock(db: Db, instanceId: string): LockHolder | undefined {
  const row = db.prepare(`${SELECT} WHERE instance_id = ?`).get(instanceId) as LockRow | undefined;
  return row && toHolder(row);
}

export function listLocks(db: Db): LockHolder[] {
  return (db.prepare(`${SELECT} ORDER BY acquired_at`).all() as LockRow[]).map(toHolder);
}

function toHolder(row: LockRow): LockHolder {
  return {
    instanceId: row.instance_id,
    opId: row.op_id,
    pid: row.pid,
    hostname: row.hostname,
    ownerId: row.owner_id,
    ownerAlive: ownerAlive(row.pid, row.hostname),
    acquiredAt: row.acquired_at,
  };
}
