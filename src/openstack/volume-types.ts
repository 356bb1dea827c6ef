import type { Session } from './session.js';

export interface VolumeType {
  id: string;
  name: string;
  isPublic: boolean;
  description: string | null;
  extraSpecs: Record<string, string>;
  /** extra_specs.volume_backend_name, if set. */
  backendName: string | null;
}

export const volumeTypesPath = (): string => '/types';

export function normalizeVolumeType(raw: Record<string, unknown>): VolumeType {
  const specs: Record<string, string> = {};
  if (typeof raw.extra_specs === 'object' && raw.extra_specs !== null) {
    for (const [k, v] of Object.entries(raw.extra_specs)) specs[k] = String(v);
  }
  return {
    id: String(raw.id ?? ''),
    name: String(raw.name ?? ''),
    isPublic: raw['os-volume-type-access:is_public'] !== false && raw.is_public !== false,
    description: typeof raw.description === 'string' ? raw.description : null,
    extraSpecs: specs,
    backendName: specs.volume_backend_name ?? null,
  };
}

/** GET /types. */
export async function listVolumeTypes(session: Session, opts: { signal?: AbortSignal } = {}): Promise<VolumeType[]> {
  const res = await session.request<{ volume_types?: Array<Record<string, unknown>> }>(
    'volume',
    'GET',
    volumeTypesPath(),
    opts.signal ? { signal: opts.signal } : {},
  );
  return (res.body.volume_types ?? []).map(normalizeVolumeType);
}
