import { CcsnapError } from '../errors.js';
import type { InstanceInfo, VolumeInfo } from './ports.js';

/**
 * Refuses when one of the instance's volumes is on an array but its filesystem is unknown or ambiguous
 * (volume.arrayProblem): the coded error (CCSNAP_ARRAY_FS_NOT_FOUND / _AMBIGUOUS) names the candidates.
 * Called before anything is frozen, stopped, snapshotted or deleted. `consequence` ends the message.
 */
export function assertMapped(instance: InstanceInfo, volumes: VolumeInfo[], consequence: string, only: (v: VolumeInfo) => boolean = () => true): void {
  const bad = volumes.filter((v) => v.arrayProblem && only(v));
  if (bad.length === 0) return;
  const first = bad[0]!.arrayProblem!;
  throw new CcsnapError(
    first.code,
    `instance ${instance.name}: ${first.message}${bad.length > 1 ? ` (and ${bad.length - 1} more volume(s))` : ''}; ${consequence}`,
    {
      details: { instance: instance.id, volumes: bad.map((v) => ({ volumeId: v.id, code: v.arrayProblem!.code, ...v.arrayProblem!.details })) },
    },
  );
}
