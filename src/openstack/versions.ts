import { canonicalServiceType } from './catalog.js';
import { readVersionEntries } from './keystone-discovery.js';
import type { Session } from './session.js';

export interface MicroversionRange {
  /** API version id, e.g. "v2.1" or "v3.0". */
  id: string;
  min: string | null;
  max: string | null;
}

/** The root of the volume endpoint: ".../v3/{project_id}" → ".../" (where cinderclient asks). */
export function volumeRootUrl(endpoint: string): string {
  return endpoint.replace(/\/v\d+(\.\d+)?(\/[^/]*)?\/?$/, '/');
}

/**
 * Reads the microversion range a service advertises: Nova's `GET /v2.1` document
 * (`version.min_version` / `version.version`) or Cinder's root 300 list (the `v3.*` entry).
 */
export async function getMicroversionRange(session: Session, serviceType: string, opts: { signal?: AbortSignal } = {}): Promise<MicroversionRange> {
  const isVolume = canonicalServiceType(serviceType) === 'volume';
  const url = isVolume ? volumeRootUrl(session.endpoint(serviceType)) : session.endpoint(serviceType);
  const res = await session.request(serviceType, 'GET', url, { acceptStatus: [300], microversion: null, ...(opts.signal ? { signal: opts.signal } : {}) });
  const entries = readVersionEntries(res.body) as Array<{ id?: string; version?: string; min_version?: string }>;
  const entry = (isVolume ? entries.find((e) => e.id?.startsWith('v3')) : entries[0]) ?? entries[0];
  return { id: entry?.id ?? '', min: entry?.min_version || null, max: entry?.version || null };
}
