import { CcsnapError } from '../errors.js';
import { normalizeCatalog, type Catalog } from './catalog.js';
import type { CloudConfig } from './config-types.js';
import { isHttpStatus } from './http-errors.js';
import type { HttpClient } from './http-types.js';
import { buildTokenRequest, describePrincipal } from './keystone-body.js';

export { buildTokenRequest } from './keystone-body.js';
export { discoverIdentityV3 } from './keystone-discovery.js';

export interface TokenInfo {
  /** The X-Subject-Token value. Never log it. */
  token: string;
  expiresAt?: Date;
  issuedAt?: Date;
  user: { id: string; name?: string; domainId?: string };
  project?: { id: string; name?: string; domainId?: string };
  domain?: { id: string; name?: string };
  roles: string[];
  catalog: Catalog;
}

type Named = { id?: string; name?: string; domain?: { id?: string } };

function readNamed(value: unknown): Named | undefined {
  return typeof value === 'object' && value !== null ? value : undefined;
}

function toDate(value: unknown): Date | undefined {
  if (typeof value !== 'string') return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** Normalizes a `POST /v3/auth/tokens` response body plus its X-Subject-Token. */
export function parseTokenResponse(token: string, body: unknown): TokenInfo {
  const t = (body as { token?: Record<string, unknown> } | null)?.token ?? {};
  const user = readNamed(t.user);
  const project = readNamed(t.project);
  const domain = readNamed(t.domain);
  const info: TokenInfo = {
    token,
    user: { id: user?.id ?? '', ...(user?.name ? { name: user.name } : {}), ...(user?.domain?.id ? { domainId: user.domain.id } : {}) },
    roles: Array.isArray(t.roles) ? (t.roles as Named[]).map((r) => r.name ?? '').filter(Boolean) : [],
    catalog: normalizeCatalog(t.catalog),
  };
  const expiresAt = toDate(t.expires_at);
  if (expiresAt) info.expiresAt = expiresAt;
  const issuedAt = toDate(t.issued_at);
  if (issuedAt) info.issuedAt = issuedAt;
  if (project?.id)
    info.project = { id: project.id, ...(project.name ? { name: project.name } : {}), ...(project.domain?.id ? { domainId: project.domain.id } : {}) };
  if (domain?.id) info.domain = { id: domain.id, ...(domain.name ? { name: domain.name } : {}) };
  return info;
}

/** `POST {identityUrl}/auth/tokens`; 401 → CCSNAP_AUTH_FAILED (no secret in the message). */
export async function issueToken(http: HttpClient, cloud: CloudConfig, identityUrl: string, opts: { signal?: AbortSignal } = {}): Promise<TokenInfo> {
  const url = `${identityUrl.replace(/\/+$/, '')}/auth/tokens`;
  let res;
  try {
    res = await http.request({ method: 'POST', url, body: buildTokenRequest(cloud), ...(opts.signal ? { signal: opts.signal } : {}) });
  } catch (err) {
    if (isHttpStatus(err, 401)) {
      const e = err as CcsnapError;
      throw new CcsnapError('CCSNAP_AUTH_FAILED', `authentication failed for ${describePrincipal(cloud)} at ${identityUrl}`, {
        details: {
          authUrl: identityUrl,
          principal: describePrincipal(cloud),
          authType: cloud.authType,
          status: 401,
          requestId: e.details.requestId,
          serviceMessage: e.details.serviceMessage,
        },
        cause: err,
      });
    }
    throw err;
  }
  const token = res.headers['x-subject-token'];
  if (!token) {
    throw new CcsnapError('CCSNAP_HTTP_BAD_RESPONSE', `Keystone at ${identityUrl} returned no X-Subject-Token`, { details: { url } });
  }
  return parseTokenResponse(token, res.body);
}
