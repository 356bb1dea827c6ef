import { CcsnapError } from '../errors.js';
import { redactUrl } from './http-redact.js';

const TLS_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'CERT_SIGNATURE_FAILURE',
  'CERT_REJECTED',
  'HOSTNAME_MISMATCH',
]);

const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EPIPE',
  'ECONNABORTED',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_CLOSED',
]);

/** The first `code` found along the error's cause chain. */
export function findErrorCode(err: unknown): string | undefined {
  let current: unknown = err;
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && code !== 'UND_ERR_REQ_CONTENT_LENGTH_MISMATCH') {
      if (TLS_CODES.has(code) || UNREACHABLE_CODES.has(code) || code.startsWith('ERR_TLS_') || code.startsWith('ERR_SSL_')) return code;
    }
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

export function isTlsCode(code: string | undefined): boolean {
  return code !== undefined && (TLS_CODES.has(code) || code.startsWith('ERR_TLS_') || code.startsWith('ERR_SSL_'));
}

export function isUnreachableCode(code: string | undefined): boolean {
  return code !== undefined && UNREACHABLE_CODES.has(code);
}

export interface TransportContext {
  method: string;
  url: string;
  timeoutMs: number;
  attempts: number;
}

/** Maps a transport failure (no HTTP status) to CCSNAP_HTTP_TLS / _UNREACHABLE / CCSNAP_INTERNAL. */
export function transportError(err: unknown, ctx: TransportContext): CcsnapError {
  if (err instanceof CcsnapError) return err;
  const code = findErrorCode(err);
  const url = redactUrl(ctx.url);
  const details = { method: ctx.method, url, errno: code, attempts: ctx.attempts };
  if (isTlsCode(code)) {
    return new CcsnapError(
      'CCSNAP_HTTP_TLS',
      `TLS verification failed for ${url} (${code}): no trusted CA signed the server's certificate (a CA bundle is given by OS_CACERT or cacert in clouds.yaml)`,
      { details, cause: err },
    );
  }
  if (isUnreachableCode(code)) {
    return new CcsnapError('CCSNAP_HTTP_UNREACHABLE', `cannot reach ${url} (${code})`, { details, cause: err });
  }
  const message = err instanceof Error ? err.message : String(err);
  return new CcsnapError('CCSNAP_HTTP_UNREACHABLE', `${ctx.method} ${url} failed: ${message.split('\n')[0]}`, { details, cause: err });
}

export function timeoutError(ctx: TransportContext, cause: unknown): CcsnapError {
  const url = redactUrl(ctx.url);
  return new CcsnapError('CCSNAP_HTTP_TIMEOUT', `${ctx.method} ${url} timed out after ${ctx.timeoutMs} ms`, {
    details: { method: ctx.method, url, timeoutMs: ctx.timeoutMs, attempts: ctx.attempts },
    cause,
  });
}

export function abortedError(ctx: TransportContext, cause: unknown): CcsnapError {
  return new CcsnapError('CCSNAP_ABORTED', `${ctx.method} ${redactUrl(ctx.url)} aborted`, { details: { method: ctx.method, url: redactUrl(ctx.url) }, cause });
}

/**
 * The service's own error text: Nova/Cinder `{"itemNotFound":{"message":..}}`,
 * Keystone `{"error":{"message":..}}`, `{"message":..}`, or a short plain-text body.
 */
export function extractServiceMessage(body: unknown): string | undefined {
  if (typeof body === 'string') {
    const text = body
      .replace(/<[^>]*>/g, ' ')
      .replace(/\s+/g, ' ')
      .trim();
    return text ? text.slice(0, 300) : undefined;
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
  const record = body as Record<string, unknown>;
  if (typeof record.message === 'string') return record.message;
  if (typeof record.description === 'string') return record.description;
  for (const value of Object.values(record)) {
    if (typeof value === 'object' && value !== null) {
      const inner = value as Record<string, unknown>;
      if (typeof inner.message === 'string') return inner.message;
    }
  }
  return undefined;
}

export interface StatusContext {
  method: string;
  url: string;
  status: number;
  requestId?: string;
  body: unknown;
}

export function statusError(ctx: StatusContext): CcsnapError {
  const url = redactUrl(ctx.url);
  const serviceMessage = extractServiceMessage(ctx.body);
  const suffix = serviceMessage ? `: ${serviceMessage}` : '';
  const req = ctx.requestId ? ` (request ${ctx.requestId})` : '';
  return new CcsnapError('CCSNAP_HTTP_STATUS', `${ctx.method} ${url} returned ${ctx.status}${suffix}${req}`, {
    details: { status: ctx.status, method: ctx.method, url, requestId: ctx.requestId, serviceMessage },
  });
}

/** True for a CCSNAP_HTTP_STATUS error with the given status. */
export function isHttpStatus(err: unknown, status: number): boolean {
  return err instanceof CcsnapError && err.code === 'CCSNAP_HTTP_STATUS' && err.details.status === status;
}
