import { CcsnapError } from '../errors.js';
import { ARRAY_ERROR_CODES } from './errors.js';
import { filesystemNameFor } from './names.js';
import type { ElastiCenterClient, FileSystem } from './types.js';

export interface ResolveOptions {
  signal?: AbortSignal;
  /** 'throw' (default): CCSNAP_ARRAY_FS_NOT_FOUND lists the unmatched volume ids; 'omit': leave them out. */
  onMissing?: 'throw' | 'omit';
}

/**
 * Maps Cinder volume ids to array filesystems (Cinder id → name without hyphens → filesystem),
 * with one `listFileSystem` call for this array.
 */
export async function resolveFilesystems(client: Pick<ElastiCenterClient, 'listFileSystems' | 'name'>, volumeIds: readonly string[], opts: ResolveOptions = {}): Promise<Map<string, FileSystem>> {
  const result = new Map<string, FileSystem>();
  if (volumeIds.length === 0) return result;
  const byName = indexByName(await client.listFileSystems(opts.signal ? { signal: opts.signal } : {}));
  const missing: string[] = [];
  const ambiguous: string[] = [];
  for (const volumeId of volumeIds) {
    const matches = byName.get(filesystemNameFor(volumeId).toLowerCase()) ?? [];
    if (matches.length === 1) result.set(volumeId, matches[0]!);
    else if (matches.length === 0) missing.push(volumeId);
    else ambiguous.push(volumeId);
  }
  if (ambiguous.length > 0) {
    throw new CcsnapError(ARRAY_ERROR_CODES.fsAmbiguous, `array ${client.name}: more than one filesystem is named after volume(s) ${ambiguous.join(', ')}`, { details: { array: client.name, volumeIds: ambiguous } });
  }
  if (missing.length > 0 && (opts.onMissing ?? 'throw') === 'throw') {
    throw new CcsnapError(ARRAY_ERROR_CODES.fsNotFound, `array ${client.name} has no filesystem for volume(s) ${missing.join(', ')}`, {
      details: { array: client.name, volumeIds: missing, filesystemNames: missing.map(filesystemNameFor) },
    });
  }
  return result;
}

function indexByName(filesystems: FileSystem[]): Map<string, FileSystem[]> {
  const index = new Map<string, FileSystem[]>();
  for (const fs of filesystems) {
    const key = fs.name.toLowerCase();
    index.set(key, [...(index.get(key) ?? []), fs]);
  }
  return index;
}
