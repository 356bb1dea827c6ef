import { CcsnapError } from '../errors.js';

export interface CatalogEndpoint {
  id?: string;
  interface: string;
  region?: string;
  url: string;
}

export interface CatalogService {
  type: string;
  name?: string;
  endpoints: CatalogEndpoint[];
}

export type Catalog = CatalogService[];

export interface EndpointFilter {
  serviceType: string;
  interface?: string;
  region?: string;
}

const VOLUME_TYPES = ['block-storage', 'volumev3', 'volume'];

/** Catalog types tried, in order, for a requested service type (openstacksdk's aliases). */
export const SERVICE_ALIASES: Record<string, string[]> = {
  volume: VOLUME_TYPES,
  'block-storage': VOLUME_TYPES,
  volumev3: ['volumev3', 'block-storage', 'volume'],
  compute: ['compute'],
  identity: ['identity'],
  image: ['image'],
  network: ['network'],
};

/** Canonical name of a service type ("volumev3" → "volume"). */
export function canonicalServiceType(serviceType: string): string {
  return VOLUME_TYPES.includes(serviceType) || serviceType === 'volumev3' ? 'volume' : serviceType;
}

/** Reads Keystone's `token.catalog` into typed entries, dropping malformed ones. */
export function normalizeCatalog(raw: unknown): Catalog {
  if (!Array.isArray(raw)) return [];
  const out: Catalog = [];
  for (const entry of raw as Array<Record<string, unknown>>) {
    if (typeof entry?.type !== 'string' || !Array.isArray(entry.endpoints)) continue;
    const endpoints: CatalogEndpoint[] = [];
    for (const ep of entry.endpoints as Array<Record<string, unknown>>) {
      if (typeof ep?.url !== 'string' || typeof ep.interface !== 'string') continue;
      const region = ep.region_id ?? ep.region;
      endpoints.push({
        url: ep.url,
        interface: ep.interface,
        ...(typeof region === 'string' ? { region } : {}),
        ...(typeof ep.id === 'string' ? { id: ep.id } : {}),
      });
    }
    out.push({ type: entry.type, ...(typeof entry.name === 'string' ? { name: entry.name } : {}), endpoints });
  }
  return out;
}

/** The endpoint URL (no trailing slash) for a service type, interface and optional region. */
export function findEndpoint(catalog: Catalog, filter: EndpointFilter): string {
  const wanted = (filter.interface ?? 'public').replace(/URL$/i, '').toLowerCase();
  const types = SERVICE_ALIASES[filter.serviceType] ?? [filter.serviceType];
  for (const type of types) {
    for (const service of catalog.filter((s) => s.type === type)) {
      const ep = service.endpoints.find((e) => e.interface === wanted && (!filter.region || e.region === filter.region));
      if (ep) return ep.url.replace(/\/+$/, '');
    }
  }
  const available = describeCatalog(catalog);
  const where = `${filter.serviceType} (${types.join('/')}) ${wanted}${filter.region ? ` in region ${filter.region}` : ''}`;
  throw new CcsnapError('CCSNAP_CATALOG_NO_ENDPOINT', `no endpoint for ${where}; catalog has: ${available.join(', ') || 'nothing'}`, {
    details: { serviceType: filter.serviceType, triedTypes: types, interface: wanted, region: filter.region, available },
  });
}

/** "compute public RegionOne" lines, one per endpoint. */
export function describeCatalog(catalog: Catalog): string[] {
  return catalog.flatMap((s) => s.endpoints.map((e) => `${s.type} ${e.interface}${e.region ? ` ${e.region}` : ''}`));
}
