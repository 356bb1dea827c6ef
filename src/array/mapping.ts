import { CcsnapError } from '../errors.js';
import { ARRAY_ERROR_CODES } from './errors.js';
import { filesystemNameFor } from './names.js';
import type { ElastiCenterClient, FileSystem } from './types.js';

export interface ResolveOptions {
  signal?: AbortSignal;
  /** 'throw' (default): CCSNAP_ARRAY_FS_NOT_FOUND lists the unmatched volume ids; 'omit': leave them out. */
  onMissing?: 'throw' | 'omit';
  /**
   * When given, nothing is thrown for a volume with no filesystem or with more than one: the volume's
   * coded refusal (CCSNAP_ARRAY_FS_NOT_FOUND / CCSNAP_ARRAY_FS_AMBIGUOUS, naming the candidates) is put
   * here instead, and the volume is left out of the result. Used by the inventory of every command.
   */
  problems?: Map<string, CcsnapError>;
}

/** One filesystem a volume could map to, as named in refusals. */
export interface FilesystemCandidate {
  array: string;
  id: string;
  name: string;
  tsm?: string;
}

/**
 * Maps Cinder volume ids to array filesystems (Cinder id → name without hyphens → filesystem),
 * with one `listFileSystem` call for this array. A volume whose name matches more than one
 * filesystem is never mapped to any of them (CCSNAP_ARRAY_FS_AMBIGUOUS). This is the one mapping
 * path: every command's inventory goes through it.
 */
export async function resolveFilesystems(
  client: Pick<ElastiCenterClient, 'listFileSystems' | 'name'>,
  volumeIds: readonly string[],
  opts: ResolveOptions = {},
): Promise<Map<string, FileSystem>> {
  const result = new Map<string, FileSystem>();
  if (volumeIds.length === 0) return result;
  const byName = indexByName(await client.listFileSystems(opts.signal ? { signal: opts.signal } : {}));
  const missing: string[] = [];
  const ambiguous: Array<{ volumeId: string; candidates: FileSystem[] }> = [];
  for (const volumeId of volumeIds) {
    const matches = byName.get(filesystemNameFor(volumeId).toLowerCase()) ?? [];
    if (matches.length === 1) result.set(volumeId, matches[0]!);
    else if (matches.length === 0) missing.push(volumeId);
    else ambiguous.push({ volumeId, candidates: matches });
  }
  if (opts.problems) {
    for (const a of ambiguous) opts.problems.set(a.volumeId, ambiguousError(client.name, [a]));
    for (const v of missing) opts.problems.set(v, notFoundError(client.name, [v]));
    return result;
  }
  if (ambiguous.length > 0) throw ambiguousError(client.name, ambiguous);
  if (missing.length > 0 && (opts.onMissing ?? 'throw') === 'throw') throw notFoundError(client.name, missing);
  return result;
}

function candidateOf(array: string, fs: FileSystem): FilesystemCandidate {
  return { array, id: fs.id, name: fs.name, ...(fs.tsmName ? { tsm: fs.tsmName } : {}) };
}

function describeCandidate(c: FilesystemCandidate): string {
  return `${c.id} (${c.name}${c.tsm ? ` on ${c.tsm}` : ''})`;
}

/** CCSNAP_ARRAY_FS_AMBIGUOUS naming every candidate filesystem (array, id, name). */
export function ambiguousError(array: string, items: Array<{ volumeId: string; candidates: FileSystem[] }>): CcsnapError {
  const parts = items.map(
    (i) => `volume ${i.volumeId} matches ${i.candidates.length} filesystems: ${i.candidates.map((f) => describeCandidate(candidateOf(array, f))).join(', ')}`,
  );
  return new CcsnapError(ARRAY_ERROR_CODES.fsAmbiguous, `array ${array}: more than one filesystem has the volume's name; ${parts.join('; ')}`, {
    details: {
      array,
      volumeIds: items.map((i) => i.volumeId),
      candidates: items.flatMap((i) => i.candidates.map((f) => ({ volumeId: i.volumeId, ...candidateOf(array, f) }))),
    },
  });
}

/** CCSNAP_ARRAY_FS_NOT_FOUND naming the array and the filesystem name looked for. */
export function notFoundError(array: string, volumeIds: string[]): CcsnapError {
  return new CcsnapError(
    ARRAY_ERROR_CODES.fsNotFound,
    `array ${array} has no filesystem for volume(s) ${volumeIds.map((v) => `${v} (looked for ${filesystemNameFor(v)})`).join(', ')}`,
    {
      details: { array, volumeIds, filesystemNames: volumeIds.map(filesystemNameFor) },
    },
  );
}

function indexByName(filesystems: FileSystem[]): Map<string, FileSystem[]> {
  const index = new Map<string, FileSystem[]>();
  for (const fs of filesystems) {
    const key = fs.name.toLowerCase();
    index.set(key, [...(index.get(key) ?? []), fs]);
  }
  return index;
}
