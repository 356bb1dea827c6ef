import { findEndpoint } from './catalog.js';
import type { CloudConfig } from './config-types.js';
import { createHttpClient } from './http.js';
import { isHttpStatus } from './http-errors.js';
import type { HttpClient, HttpMethod, HttpResponse, Query, RequestLogHook } from './http-types.js';
import { discoverIdentityV3, issueToken, type TokenInfo } from './keystone.js';
import { defaultMicroversion, microversionHeaders } from './microversion.js';
import { pickSignal } from '../util/optional.js';

export interface SessionOptions {
  signal?: AbortSignal;
  /** Per-request timeout in ms (default 30 s). */
  timeoutMs?: number;
  onRequest?: RequestLogHook;
  retries?: number;
  retryDelayMs?: number;
}

export interface SessionRequestOptions {
  query?: Query;
  body?: unknown;
  headers?: Record<string, string>;
  /** Overrides the default microversion of the service; null sends none. */
  microversion?: string | null;
  signal?: AbortSignal;
  idempotent?: boolean;
  acceptStatus?: readonly number[];
  timeoutMs?: number;
}

export interface Session {
  readonly cloud: CloudConfig;
  readonly identityUrl: string;
  /** Project, user, roles, expiry and catalog of the current token (the token itself stays private). */
  auth(): Omit<TokenInfo, 'token'>;
  /** Endpoint URL (no trailing slash) for a service type, honouring the cloud's interface and region. */
  endpoint(serviceType: string): string;
  /** `path` is relative to the service endpoint, or an absolute URL. */
  request<T = unknown>(serviceType: string, method: HttpMethod, path: string, opts?: SessionRequestOptions): Promise<HttpResponse<T>>;
  reauthenticate(opts?: { signal?: AbortSignal }): Promise<void>;
  close(): Promise<void>;
}

const REFRESH_MARGIN_MS = 60_000;

/** Discovers Identity v3, authenticates, and returns a session that signs and routes requests. */
export async function createSession(cloud: CloudConfig, opts: SessionOptions = {}): Promise<Session> {
  let token: TokenInfo | undefined;
  const http = createHttpClient({
    insecure: cloud.insecure,
    ...(cloud.cacert ? { cacert: cloud.cacert } : {}),
    ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}),
    ...(opts.onRequest ? { onRequest: opts.onRequest } : {}),
    ...(opts.retries !== undefined ? { retries: opts.retries } : {}),
    ...(opts.retryDelayMs !== undefined ? { retryDelayMs: opts.retryDelayMs } : {}),
    secrets: () => [token?.token, cloud.auth.password, cloud.auth.token, cloud.auth.applicationCredentialSecret],
  });
  try {
    const identityUrl = await discoverIdentityV3(http, cloud.auth.authUrl, pickSignal(opts.signal));
    token = await issueToken(http, cloud, identityUrl, pickSignal(opts.signal));
    return buildSession(cloud, http, identityUrl, token, (t) => (token = t));
  } catch (err) {
    await http.close();
    throw err;
  }
}

/** Endpoint + path; an empty path is the endpoint itself (version documents). */
export function joinUrl(base: string, path: string): string {
  if (path === '') return base;
  return `${base}${path.startsWith('/') ? '' : '/'}${path}`;
}

function buildSession(cloud: CloudConfig, http: HttpClient, identityUrl: string, first: TokenInfo, onToken: (t: TokenInfo) => void): Session {
  let current = first;
  let pending: Promise<void> | undefined;

  const reauthenticate = (o: { signal?: AbortSignal } = {}): Promise<void> => {
    pending ??= issueToken(http, cloud, identityUrl, pickSignal(o.signal))
      .then((t) => {
        current = t;
        onToken(t);
      })
      .finally(() => (pending = undefined));
    return pending;
  };

  const endpoint = (serviceType: string): string =>
    serviceType === 'identity'
      ? identityUrl
      : findEndpoint(current.catalog, { serviceType, interface: cloud.interface, ...(cloud.regionName ? { region: cloud.regionName } : {}) });

  const send = <T>(serviceType: string, method: HttpMethod, path: string, o: SessionRequestOptions): Promise<HttpResponse<T>> => {
    const url = /^https?:\/\//.test(path) ? path : joinUrl(endpoint(serviceType), path);
    const version = o.microversion === null ? undefined : (o.microversion ?? defaultMicroversion(serviceType, cloud));
    const headers = { ...microversionHeaders(serviceType, version), ...o.headers, 'X-Auth-Token': current.token };
    return http.request<T>({
      method,
      url,
      headers,
      ...(o.query ? { query: o.query } : {}),
      ...(o.body !== undefined ? { body: o.body } : {}),
      ...(o.signal ? { signal: o.signal } : {}),
      ...(o.idempotent !== undefined ? { idempotent: o.idempotent } : {}),
      ...(o.acceptStatus ? { acceptStatus: o.acceptStatus } : {}),
      ...(o.timeoutMs !== undefined ? { timeoutMs: o.timeoutMs } : {}),
    });
  };

  const request = async <T>(serviceType: string, method: HttpMethod, path: string, o: SessionRequestOptions = {}): Promise<HttpResponse<T>> => {
    if (current.expiresAt && current.expiresAt.getTime() - Date.now() < REFRESH_MARGIN_MS) await reauthenticate(pickSignal(o.signal));
    try {
      return await send<T>(serviceType, method, path, o);
    } catch (err) {
      if (!isHttpStatus(err, 401)) throw err;
      await reauthenticate(pickSignal(o.signal));
      return send<T>(serviceType, method, path, o);
    }
  };

  return {
    cloud,
    identityUrl,
    auth: () => {
      const { token: _secret, ...rest } = current;
      return rest;
    },
    endpoint,
    request,
    reauthenticate,
    close: () => http.close(),
  };
}
