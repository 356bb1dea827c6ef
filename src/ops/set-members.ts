import { CcsnapError } from '../errors.js';
import type { SetMemberRef } from '../engine/plan-rollback.js';
import type { Runtime } from '../runtime.js';
import type { ListedSnapshot } from './snapshots.js';

/**
 * The members of a set on one instance: from the journal when it knows the set, else rebuilt
 * from the array (ccsnap names encode the set; a foreign snapshot is its own one-name "set").
 */
export async function resolveSetMembers(rt: Runtime, instanceId: string, ref: string, catalog: ListedSnapshot[]): Promise<SetMemberRef[]> {
  const journal = await rt.journal().getSet(ref);
  if (journal && journal.instanceId === instanceId) {
    const created = journal.members.filter((m) => m.state === 'created');
    if (created.length === 0) {
      throw new CcsnapError('CCSNAP_SET_NOT_FOUND', `snapshot set ${ref} has no snapshots left (journal state: ${journal.state}); nothing was changed`, {
        details: { ref, state: journal.state },
      });
    }
    return created.map((m) => ({ volumeId: m.volumeId, arrayName: m.arrayName, fsId: m.fsId, snapshotName: m.snapshotName }));
  }
  const hits = catalog.filter((e) => e.instance.id === instanceId && e.onArray && (e.setId === ref || (!e.setId && e.name === ref)));
  if (hits.length === 0) {
    throw new CcsnapError('CCSNAP_SET_NOT_FOUND', `no snapshot set "${ref}" on the volumes of this instance (neither in the journal nor on the array)`, {
      details: { ref },
    });
  }
  return hits.map((e) => ({ volumeId: e.volumeId, arrayName: e.arrayName, fsId: e.fsId, snapshotName: e.name }));
}

/** A set the journal records for ANOTHER instance is named as such (not "not found"), and refused. */
export async function refuseOtherInstancesSet(rt: Runtime, instance: { id: string; name: string }, ref: string, consequence: string): Promise<void> {
  const set = await rt.journal().getSet(ref);
  if (!set || set.instanceId === instance.id) return;
  throw new CcsnapError(
    'CCSNAP_SET_OTHER_INSTANCE',
    `snapshot set ${ref} belongs to instance ${set.instanceName} (${set.instanceId}), not to ${instance.name} (${instance.id}); ${consequence}`,
    {
      details: { ref, owner: { id: set.instanceId, name: set.instanceName }, instance: instance.id },
    },
  );
}
