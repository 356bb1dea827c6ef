import { CcsnapError } from '../errors.js';
import { isHttpStatus } from './http-errors.js';
import type { HttpClient } from './http-types.js';

interface VersionEntry {
  id?: string;
  status?: string;
  links?: Array<{ rel?: string; href?: string }>;
}

const USABLE = new Set(['stable', 'current', 'supported']);

function endsWithV3(url: string): boolean {
  return /\/v3(\.\d+)?$/.test(new URL(url).pathname.replace(/\/+$/, ''));
}

function selfHref(entry: VersionEntry): string | undefined {
  return entry.links?.find((l) => l.rel === 'self')?.href?.replace(/\/+$/, '');
}

/** Reads versions from `{"version":..}`, `{"versions":[..]}` or Keystone's `{"versions":{"values":[..]}}`. */
export function readVersionEntries(body: unknown): VersionEntry[] {
  if (typeof body !== 'object' || body === null) return [];
  const doc = body as { version?: VersionEntry; versions?: VersionEntry[] | { values?: VersionEntry[] } };
  if (doc.version) return [doc.version];
  if (Array.isArray(doc.versions)) return doc.versions;
  return doc.versions?.values ?? [];
}

/**
 * Finds the Identity v3 base URL from `auth_url`, which may or may not end with /v3:
 * GET auth_url (200 with one version, or 300 with a list) and take the v3 entry.
 */
export async function discoverIdentityV3(http: HttpClient, authUrl: string, opts: { signal?: AbortSignal } = {}): Promise<string> {
  const base = authUrl.replace(/\/+$/, '');
  let body: unknown;
  try {
    body = (await http.request({ method: 'GET', url: base, acceptStatus: [300], ...(opts.signal ? { signal: opts.signal } : {}) })).body;
  } catch (err) {
    if (isHttpStatus(err, 404) || isHttpStatus(err, 401) || isHttpStatus(err, 403)) return endsWithV3(base) ? base : `${base}/v3`;
    throw err;
  }
  if (endsWithV3(base)) return base;
  const v3 = readVersionEntries(body).find((v) => v.id?.startsWith('v3') && USABLE.has((v.status ?? 'stable').toLowerCase()));
  if (!v3) {
    throw new CcsnapError('CCSNAP_AUTH_NO_V3', `no Identity v3 API advertised at ${base}`, { details: { authUrl: base } });
  }
  return selfHref(v3) ?? `${base}/v3`;
}
