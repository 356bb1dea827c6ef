import { request as undiciRequest, type Agent } from 'undici';
import { CcsnapError, isAbortError } from '../errors.js';
import { sleep } from '../util/abort.js';
import { startDeadline } from '../util/deadline.js';
import { dropUndefined } from '../util/optional.js';
import { createAgent } from './http-agent.js';
import { abortedError, findErrorCode, isUnreachableCode, statusError, timeoutError, transportError, type TransportContext } from './http-errors.js';
import { redactBody, redactHeaders, redactUrl, scrubText } from './http-redact.js';
import type { HttpClient, HttpClientOptions, HttpRequest, HttpResponse, Query } from './http-types.js';

export type * from './http-types.js';

const IDEMPOTENT = new Set(['GET', 'HEAD', 'PUT', 'DELETE']);
const RETRY_STATUSES = new Set([502, 503, 504]);
const DEFAULT_TIMEOUT_MS = 30_000;

/** Appends query parameters (arrays repeat the key; undefined/null are skipped). */
export function buildUrl(url: string, query: Query | undefined): string {
  if (!query) return url;
  const parsed = new URL(url);
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null) continue;
    const values = Array.isArray(value) ? value : [value];
    for (const item of values) parsed.searchParams.append(key, String(item));
  }
  return parsed.toString();
}

/** Creates the one HTTP client used for every OpenStack call (JSON in/out, TLS verified by default). */
export function createHttpClient(opts: HttpClientOptions = {}): HttpClient {
  const agent = createAgent(opts);
  return {
    request: <T>(req: HttpRequest) => sendWithRetries<T>(agent, opts, req),
    close: () => agent.close(),
  };
}

async function sendWithRetries<T>(agent: Agent, opts: HttpClientOptions, req: HttpRequest): Promise<HttpResponse<T>> {
  const retryable = IDEMPOTENT.has(req.method) && req.idempotent !== false;
  const maxAttempts = retryable ? 1 + (opts.retries ?? 2) : 1;
  for (let attempt = 1; ; attempt++) {
    try {
      return await sendOnce<T>(agent, opts, req, attempt);
    } catch (err) {
      if (attempt >= maxAttempts || !shouldRetry(err)) throw scrubError(err, opts);
      const base = opts.retryDelayMs ?? 200;
      await sleep(Math.min(base * 2 ** (attempt - 1), 5_000), req.signal);
    }
  }
}

function shouldRetry(err: unknown): boolean {
  if (!(err instanceof CcsnapError)) return false;
  if (err.code === 'CCSNAP_HTTP_STATUS') return RETRY_STATUSES.has(err.details.status as number);
  return err.code === 'CCSNAP_HTTP_UNREACHABLE' && isUnreachableCode(err.details.errno as string | undefined);
}

async function sendOnce<T>(agent: Agent, opts: HttpClientOptions, req: HttpRequest, attempt: number): Promise<HttpResponse<T>> {
  const url = buildUrl(req.url, req.query);
  const timeoutMs = req.timeoutMs ?? opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const ctx: TransportContext = { method: req.method, url, timeoutMs, attempts: attempt };
  if (req.signal?.aborted) throw abortedError(ctx, req.signal.reason);
  const deadline = startDeadline(timeoutMs, req.signal, `${req.method} ${redactUrl(url)}`);
  const signal = deadline.signal;
  const headers = buildHeaders(req, opts);
  const payload = req.body === undefined ? undefined : typeof req.body === 'string' ? req.body : JSON.stringify(req.body);
  const started = performance.now();
  // Extras are built lazily: redacting big bodies costs real time, and only --debug reads them.
  const log = (extraOf: () => Partial<Parameters<NonNullable<HttpClientOptions['onRequest']>>[0]>): void => {
    if (!opts.onRequest) return;
    const extra = extraOf();
    opts.onRequest({
      method: req.method,
      url: redactUrl(url),
      attempt,
      requestHeaders: redactHeaders(headers),
      requestBody: req.body === undefined ? undefined : redactBody(req.body),
      durationMs: performance.now() - started,
      ...extra,
    });
  };
  let response: HttpResponse<T>;
  try {
    const res = await undiciRequest(url, { method: req.method, headers, body: payload ?? null, dispatcher: agent, signal });
    const text = await res.body.text();
    const resHeaders = flattenHeaders(res.headers);
    const requestId = resHeaders['x-openstack-request-id'] ?? resHeaders['x-compute-request-id'];
    response = { status: res.statusCode, headers: resHeaders, body: parseBody(text, resHeaders, res.statusCode, ctx) as T, url };
    if (requestId) response.requestId = requestId;
  } catch (err) {
    const mapped = mapTransportFailure(err, ctx, req.signal, signal);
    log(() => ({ errorCode: mapped.code }));
    throw mapped;
  } finally {
    deadline.clear();
  }
  log(() =>
    dropUndefined({
      status: response.status,
      responseHeaders: redactHeaders(response.headers),
      responseBody: redactBody(response.body),
      requestId: response.requestId,
    }),
  );
  const ok = (response.status >= 200 && response.status < 300) || (req.acceptStatus?.includes(response.status) ?? false);
  if (!ok) throw statusError({ method: req.method, url, status: response.status, body: response.body, ...dropUndefined({ requestId: response.requestId }) });
  return response;
}

function mapTransportFailure(err: unknown, ctx: TransportContext, caller: AbortSignal | undefined, timeout: AbortSignal): CcsnapError {
  if (err instanceof CcsnapError) return err;
  if (caller?.aborted) return abortedError(ctx, caller.reason);
  if (timeout.aborted && (isAbortError(err) || findErrorCode(err) === undefined)) return timeoutError(ctx, err);
  return transportError(err, ctx);
}

function buildHeaders(req: HttpRequest, opts: HttpClientOptions): Record<string, string> {
  const headers: Record<string, string> = { accept: 'application/json', 'user-agent': opts.userAgent ?? 'ccsnap' };
  if (req.body !== undefined) headers['content-type'] = 'application/json';
  for (const [name, value] of Object.entries(req.headers ?? {})) headers[name.toLowerCase()] = value;
  return headers;
}

function flattenHeaders(raw: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw)) {
    if (value !== undefined) out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

function parseBody(text: string, headers: Record<string, string>, status: number, ctx: TransportContext): unknown {
  if (text === '') return null;
  const type = headers['content-type'] ?? '';
  if (!type.includes('json')) return text;
  try {
    return JSON.parse(text);
  } catch (err) {
    if (status < 200 || status >= 300) return text;
    throw new CcsnapError('CCSNAP_HTTP_BAD_RESPONSE', `${ctx.method} ${redactUrl(ctx.url)} returned invalid JSON`, {
      details: { method: ctx.method, url: redactUrl(ctx.url) },
      cause: err,
    });
  }
}

/** Removes known secrets from an error's message and string details (defense in depth). */
function scrubError(err: unknown, opts: HttpClientOptions): unknown {
  if (!(err instanceof CcsnapError) || !opts.secrets) return err;
  const secrets = [...opts.secrets()];
  const details: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(err.details)) details[key] = typeof value === 'string' ? scrubText(value, secrets) : value;
  const message = scrubText(err.message, secrets);
  if (message === err.message && JSON.stringify(details) === JSON.stringify(err.details)) return err;
  return new CcsnapError(err.code, message, { details, cause: err.cause, exitCode: err.exitCode });
}
