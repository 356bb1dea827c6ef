import { mapLimited } from '../util/limit.js';
import type { MemberState } from '../journal/types.js';
import type { ArrayPort } from './ports.js';

export interface MemberRef {
  volumeId: string;
  device?: string | null;
  arrayName: string;
  fsId: string;
  snapshotName: string;
}

export interface MemberOutcome {
  volumeId: string;
  device: string | null;
  arrayName: string;
  fsId: string;
  snapshotName: string;
  path: string | null;
  state: MemberState;
  error: string | null;
}

interface ArrayAccess {
  array(name: string): ArrayPort;
}

/** Finds each member's snapshot path by name (one listStorageSnapshots per filesystem). */
export async function findPaths(deps: ArrayAccess, members: MemberRef[], signal: AbortSignal): Promise<Map<string, string>> {
  const paths = new Map<string, string>();
  await mapLimited(members, 8, async (m) => {
    const snaps = await deps.array(m.arrayName).listStorageSnapshots({ fsId: m.fsId, signal });
    const hit = snaps.find((s) => s.name === m.snapshotName);
    if (hit) paths.set(m.volumeId, hit.path);
  });
  return paths;
}

/**
 * Deletes every member snapshot that exists on the array, found by listing (so creates whose
 * answer was lost are caught too). Members that cannot be cleaned are reported as delete-failed.
 */
export async function cleanupMembers(deps: ArrayAccess, members: MemberRef[], failedVolumeIds: string[], signal: AbortSignal): Promise<MemberOutcome[]> {
  return mapLimited(members, 8, async (m) => {
    const base = { volumeId: m.volumeId, device: m.device ?? null, arrayName: m.arrayName, fsId: m.fsId, snapshotName: m.snapshotName };
    const why = failedVolumeIds.includes(m.volumeId) ? 'snapshot failed' : 'set discarded';
    try {
      const snaps = await deps.array(m.arrayName).listStorageSnapshots({ fsId: m.fsId, signal });
      const hit = snaps.find((s) => s.name === m.snapshotName);
      if (!hit) return { ...base, path: null, state: 'failed' as const, error: why };
      await deps.array(m.arrayName).deleteSnapshot({ fsId: m.fsId, path: hit.path, signal });
      return { ...base, path: hit.path, state: 'deleted' as const, error: why };
    } catch (err) {
      return { ...base, path: null, state: 'delete-failed' as const, error: `${why}; cleanup failed: ${(err as Error).message}` };
    }
  });
}
