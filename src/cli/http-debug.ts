import diagnosticsChannel from 'node:diagnostics_channel';
import { redactHeaders, redactUrl } from './redact.js';
import type { Logger } from './types.js';

interface UndiciRequest {
  origin?: string | URL;
  method?: string;
  path?: string;
  headers?: string | string[] | Array<string | Buffer>;
}

/**
 * Logs every HTTP request made through undici or Node's fetch (both publish undici's diagnostics
 * channels) at debug level, with tokens, passwords and API keys hidden. Returns an unsubscribe function.
 */
export function enableHttpDebug(log: Logger): () => void {
  const started = new WeakMap<object, number>();
  const onCreate = (msg: unknown): void => {
    const { request } = msg as { request: UndiciRequest };
    started.set(request, performance.now());
    log.debug(`HTTP ${request.method ?? 'GET'} ${describe(request)}`, { headers: headerText(request.headers) });
  };
  const onHeaders = (msg: unknown): void => {
    const { request, response } = msg as { request: UndiciRequest; response: { statusCode: number } };
    log.debug(`HTTP ${response.statusCode} ${request.method ?? 'GET'} ${describe(request)}`, { ms: elapsed(started, request) });
  };
  const onError = (msg: unknown): void => {
    const { request, error } = msg as { request: UndiciRequest; error: Error };
    log.debug(`HTTP failed ${request.method ?? 'GET'} ${describe(request)}: ${redactUrl(error.message)}`, { ms: elapsed(started, request) });
  };
  const subscriptions: Array<[string, (msg: unknown) => void]> = [
    ['undici:request:create', onCreate],
    ['undici:request:headers', onHeaders],
    ['undici:request:error', onError],
  ];
  for (const [name, fn] of subscriptions) diagnosticsChannel.subscribe(name, fn);
  return () => {
    for (const [name, fn] of subscriptions) diagnosticsChannel.unsubscribe(name, fn);
  };
}

function describe(request: UndiciRequest): string {
  const origin = request.origin === undefined ? '' : String(request.origin).replace(/\/$/, '');
  return redactUrl(`${origin}${request.path ?? ''}`);
}

function elapsed(started: WeakMap<object, number>, request: object): number | undefined {
  const t0 = started.get(request);
  return t0 === undefined ? undefined : Math.round(performance.now() - t0);
}

/** undici gives headers as "k: v\r\n" text or a flat [k, v, ...] array depending on the version. */
export function headerText(headers: UndiciRequest['headers']): string {
  const pairs: Array<[string, string]> = [];
  if (typeof headers === 'string') {
    for (const line of headers.split('\r\n')) {
      const i = line.indexOf(':');
      if (i > 0) pairs.push([line.slice(0, i).trim(), line.slice(i + 1).trim()]);
    }
  } else if (Array.isArray(headers)) {
    for (let i = 0; i + 1 < headers.length; i += 2) pairs.push([String(headers[i]), String(headers[i + 1])]);
  }
  return redactHeaders(pairs)
    .map(([k, v]) => `${k}: ${v}`)
    .join('; ');
}
