import { CcsnapError } from '../../errors.js';
import { lockedError } from '../locks.js';
import type { LockHolder } from '../port.js';
import type { Db } from './db.js';
import { joinOwner, ownerAliveSql } from './owners.js';

interface LockRow {
  instance_id: string;
  op_id: string;
  pid: number;
  hostname: string;
  owner_id: string | null;
  owner_alive: boolean | null;
  acquired_at: Date;
}

const SELECT = `SELECT l.instance_id, l.op_id, l.pid, l.hostname, l.owner_id, l.acquired_at, ${ownerAliveSql('l')} FROM ccsnap.locks l ${joinOwner('l')}`;

/**
 * Takes the per-instance lock in one statement (INSERT ... ON CONFLICT DO NOTHING): of any number of
 * workers, exactly one gets it. A loser reads the holder to name it; a holder gone in between (released
 * after our insert lost) means try again.
 */
export async function acquireLock(db: Db, instanceId: string, opId: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const taken = await db.pool.query(
      `INSERT INTO ccsnap.locks (instance_id, op_id, pid, hostname, owner_id, acquired_at) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (instance_id) DO NOTHING`,
      [instanceId, opId, db.owner.pid, db.owner.hostname, db.owner.id, new Date()],
    );
    if (taken.rowCount === 1) return;
    const holder = await readLock(db, instanceId);
    if (holder) throw lockedError(instanceId, holder);
    if (attempt >= 5) {
      throw new CcsnapError('CCSNAP_LOCKED', `instance ${instanceId} is busy: its lock changed hands ${attempt} times while ccsnap tried to take it`, {
        details: { instanceId },
      });
    }
  }
}

export async function releaseLock(db: Db, instanceId: string, opId: string): Promise<void> {
  await db.pool.query('DELETE FROM ccsnap.locks WHERE instance_id = $1 AND op_id = $2', [instanceId, opId]);
}

export async function releaseLocksOf(db: Db, opId: string): Promise<void> {
  await db.pool.query('DELETE FROM ccsnap.locks WHERE op_id = $1', [opId]);
}

export async function readLock(db: Db, instanceId: string): Promise<LockHolder | undefined> {
  const { rows } = await db.pool.query<LockRow>(`${SELECT} WHERE l.instance_id = $1`, [instanceId]);
  return rows[0] && toHolder(rows[0]);
}

export async function listLocks(db: Db): Promise<LockHolder[]> {
  const { rows } = await db.pool.query<LockRow>(`${SELECT} ORDER BY l.acquired_at, l.instance_id`);
  return rows.map(toHolder);
}

function toHolder(row: LockRow): LockHolder {
  return {
    instanceId: row.instance_id,
    opId: row.op_id,
    pid: row.pid,
    hostname: row.hostname,
    ownerId: row.owner_id,
    ownerAlive: row.owner_alive,
    acquiredAt: row.acquired_at.toISOString(),
  };
}
