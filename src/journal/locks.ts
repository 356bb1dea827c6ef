import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { CcsnapError } from '../errors.js';
import type { Journal, LockHolder } from './port.js';

export { isProcessAlive } from '../util/process-alive.js';

/**
 * The CCSNAP_LOCKED error every backend throws when an instance's lock is held: names the holder, and says
 * when it is stale (its owner is dead: `ownerAlive` false, as the backend judged it when it read the lock).
 */
export function lockedError(instanceId: string, holder: LockHolder): CcsnapError {
  const stale = holder.ownerAlive === false;
  const where = holder.hostname === hostname() ? `pid ${holder.pid}` : `pid ${holder.pid} on ${holder.hostname}`;
  return new CcsnapError(
    'CCSNAP_LOCKED',
    stale
      ? `instance ${instanceId} is held by an unfinished operation ${holder.opId} of a dead ccsnap process (${where})`
      : `instance ${instanceId} is busy: operation ${holder.opId} (pid ${holder.pid} on ${holder.hostname}) holds it`,
    { details: { ...holder, stale } },
  );
}

/** Runs `fn` holding the instance's lock (a fresh operation id is passed in); always releases it. */
export async function withInstanceLock<T>(journal: Journal, instanceId: string, fn: (opId: string) => Promise<T>): Promise<T> {
  const opId = randomUUID();
  await journal.acquireLock(instanceId, opId);
  try {
    return await fn(opId);
  } finally {
    await journal.releaseLock(instanceId, opId);
  }
}
