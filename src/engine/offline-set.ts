import { CcsnapError } from '../errors.js';
import type { Journal } from '../journal/index.js';
import { formatSnapshotName, newSetId } from './names.js';
import { cleanupMembers, findPaths } from './members.js';
import type { ArrayPort, InstanceInfo } from './ports.js';
import { withDeadline } from '../util/deadline.js';

export interface OfflineSetResult {
  setId: string;
  members: Array<{ volumeId: string; snapshotName: string; path: string | null }>;
}

/** Snapshots the volumes of a stopped instance (no freeze needed) as one set; all-or-nothing. */
export async function takeOfflineSet(
  journal: Journal,
  deps: { array(name: string): ArrayPort; timeouts: { arrayMs: number } },
  args: { instance: InstanceInfo; opId: string; members: Array<{ volumeId: string; arrayName: string; fsId: string }>; label: string },
): Promise<OfflineSetResult> {
  const setId = newSetId();
  const now = new Date();
  const members = args.members.map((m, i) => ({ ...m, snapshotName: formatSnapshotName(setId, now, i + 1, args.members.length, args.label) }));
  await journal.insertSet({
    id: setId,
    instanceId: args.instance.id,
    instanceName: args.instance.name,
    label: args.label,
    createdAt: now.toISOString(),
    opId: args.opId,
    members,
  });
  const settled = await Promise.allSettled(
    members.map((m) =>
      withDeadline(deps.timeouts.arrayMs, undefined, (signal) => deps.array(m.arrayName).createStorageSnapshot({ fsId: m.fsId, name: m.snapshotName, signal })),
    ),
  );
  const failed = settled.findIndex((s) => s.status === 'rejected');
  if (failed >= 0) {
    const cleaned = await withDeadline(deps.timeouts.arrayMs, undefined, (signal) => cleanupMembers(deps, members, [members[failed]!.volumeId], signal));
    for (const c of cleaned) await journal.updateMember(setId, c.volumeId, { state: c.state, path: c.path, error: c.error });
    await journal.finishSet(setId, { state: 'failed', reason: 'safety set failed' });
    throw new CcsnapError(
      'CCSNAP_SAFETY_SET_FAILED',
      `could not take the safety set: ${((settled[failed] as PromiseRejectedResult).reason as Error).message}; nothing was rolled back`,
    );
  }
  const paths = await withDeadline(deps.timeouts.arrayMs, undefined, (signal) => findPaths(deps, members, signal));
  for (const m of members) await journal.updateMember(setId, m.volumeId, { state: 'created', path: paths.get(m.volumeId) ?? null });
  await journal.finishSet(setId, { state: 'complete', consistency: 'offline', reason: 'instance stopped' });
  return { setId, members: members.map((m) => ({ volumeId: m.volumeId, snapshotName: m.snapshotName, path: paths.get(m.volumeId) ?? null })) };
}
