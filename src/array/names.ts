import { CcsnapError } from '../errors.js';
import { ARRAY_ERROR_CODES } from './errors.js';

/** Every working example uses only these characters; others have produced non-JSON answers (reference §1). */
const SNAPSHOT_NAME = /^[A-Za-z0-9_]{1,200}$/;

export function isValidSnapshotName(name: string): boolean {
  return SNAPSHOT_NAME.test(name);
}

/** Throws CCSNAP_ARRAY_BAD_NAME unless `name` is 1..200 characters of [A-Za-z0-9_]. */
export function assertSnapshotName(name: string): void {
  if (!isValidSnapshotName(name)) {
    throw new CcsnapError(ARRAY_ERROR_CODES.badName, `invalid array snapshot name ${JSON.stringify(name)}: use 1-200 characters of A-Z, a-z, 0-9 and _`, {
      details: { name },
      exitCode: 2,
    });
  }
}

/** The array filesystem name of a Cinder volume: its id without hyphens (reference §4). */
export function filesystemNameFor(volumeId: string): string {
  return volumeId.replace(/-/g, '');
}
