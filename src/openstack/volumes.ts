import { CcsnapError } from '../errors.js';
import { isHttpStatus } from './http-errors.js';
import { listAllPages } from './pagination.js';
import type { Session } from './session.js';
import { normalizeVolume, type Volume } from './volume-model.js';
import { pickSignal } from '../util/optional.js';

export type { Volume, VolumeAttachment } from './volume-model.js';

type Signal = { signal?: AbortSignal };

export const volumesDetailPath = (): string => '/volumes/detail';
export const volumePath = (id: string): string => `/volumes/${encodeURIComponent(id)}`;

/** GET /volumes/detail (every page), optionally across all projects. */
export async function listVolumes(session: Session, opts: { allTenants?: boolean; limit?: number } & Signal = {}): Promise<Volume[]> {
  return listAllPages(
    session,
    {
      serviceType: 'volume',
      path: volumesDetailPath(),
      itemsKey: 'volumes',
      linksKey: 'volumes_links',
      ...(opts.allTenants ? { query: { all_tenants: 1 } } : {}),
      ...(opts.limit ? { limit: opts.limit } : {}),
      ...pickSignal(opts.signal),
    },
    normalizeVolume,
  );
}

/** By id first; on 404 by exact name (like `openstack volume show`). */
/** GET /volumes/{id}; undefined when Cinder does not know it (404). */
export async function getVolumeById(session: Session, id: string, opts: Signal = {}): Promise<Volume | undefined> {
  try {
    const res = await session.request<{ volume: Record<string, unknown> }>('volume', 'GET', volumePath(id), pickSignal(opts.signal));
    return normalizeVolume(res.body.volume);
  } catch (err) {
    if (isHttpStatus(err, 404)) return undefined;
    throw err;
  }
}

export async function getVolume(session: Session, idOrName: string, opts: { allTenants?: boolean } & Signal = {}): Promise<Volume> {
  try {
    const res = await session.request<{ volume: Record<string, unknown> }>('volume', 'GET', volumePath(idOrName), pickSignal(opts.signal));
    return normalizeVolume(res.body.volume);
  } catch (err) {
    if (!isHttpStatus(err, 404)) throw err;
  }
  const res = await session.request<{ volumes: Array<Record<string, unknown>> }>('volume', 'GET', volumesDetailPath(), {
    query: { name: idOrName, ...(opts.allTenants ? { all_tenants: 1 } : {}) },
    ...pickSignal(opts.signal),
  });
  const matches = (res.body.volumes ?? []).map(normalizeVolume).filter((v) => v.name === idOrName);
  if (matches.length === 1) return matches[0]!;
  if (matches.length === 0) {
    throw new CcsnapError('CCSNAP_VOLUME_NOT_FOUND', `no volume with id or name "${idOrName}"`, { details: { volume: idOrName } });
  }
  const ids = matches.map((v) => v.id);
  throw new CcsnapError('CCSNAP_VOLUME_AMBIGUOUS', `${matches.length} volumes are named "${idOrName}": ${ids.join(', ')}; use an id`, {
    details: { name: idOrName, candidates: ids },
  });
}
