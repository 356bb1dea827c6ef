import { readFile } from 'node:fs/promises';
import { Agent } from 'undici';
import { CcsnapError } from '../errors.js';
import { startDeadline } from '../util/deadline.js';
import { ARRAY_ERROR_CODES, redact } from './errors.js';
import { fetchText } from './fetch-text.js';

export interface TransportOptions {
  url: string;
  apiKey: string;
  cacert?: string;
  insecure?: boolean;
  timeoutMs: number;
  name: string;
}

export interface RawAnswer {
  status: number;
  /** `X-Description` header, when present. */
  description?: string;
  contentType?: string;
  text: string;
  /** The request URL without the API key. */
  url: string;
}

export interface Transport {
  send(command: string, params: Record<string, string>, signal: AbortSignal | undefined, timeoutMs?: number): Promise<RawAnswer>;
  /** A plain function (the client passes it on unbound). */
  redact: (text: string) => string;
  close(): Promise<void>;
}

const TLS_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'CERT_SIGNATURE_FAILURE',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
]);
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT', 'EADDRNOTAVAIL']);
const RESET_CODES = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'ECONNABORTED']);

/** Builds the query: command first, then the parameters, then apiKey and response=json; all percent-encoded. */
export function buildQuery(command: string, params: Record<string, string>, apiKey: string | undefined): string {
  const parts: string[] = [`command=${encodeURIComponent(command)}`];
  for (const [k, v] of Object.entries(params)) parts.push(`${encodeURIComponent(k)}=${encodeURIComponent(v)}`);
  if (apiKey !== undefined) parts.push(`apiKey=${encodeURIComponent(apiKey)}`);
  parts.push('response=json');
  return parts.join('&');
}

export function createTransport(opts: TransportOptions): Transport {
  let agent: Promise<Agent> | undefined;
  // Once made, used without an await (a list sends 2·10⁴ requests).
  let ready: Agent | undefined;
  const getAgent = (): Promise<Agent> =>
    (agent ??= makeAgent(opts).then((made) => {
      ready = made;
      return made;
    }));
  const hide = (text: string): string => redact(text, opts.apiKey);
  const base = opts.url.replace(/\?$/, '');
  // The array's origin and path, parsed once: a list sends 2·10⁴ requests, and a URL parsed for each is a tenth of their cost.
  let target: { origin: string; path: string } | undefined;
  const targetOf = (): { origin: string; path: string } => {
    if (!target) {
      const url = new URL(base);
      target = { origin: url.origin, path: `${url.pathname}${url.search}` };
    }
    return target;
  };
  return {
    redact: hide,
    close: async () => {
      if (agent) await (await agent.catch(() => undefined))?.close();
    },
    async send(command, params, signal, timeoutMs = opts.timeoutMs) {
      // The URL an error or a message shows, made only when one needs it (a list sends 2·10⁴ requests).
      let shown: string | undefined;
      const shownUrl = (): string => (shown ??= hide(`${base}?${buildQuery(command, params, undefined)}`));
      const deadline = startDeadline(timeoutMs, signal, `array ${opts.name} ${command}`);
      const combined = deadline.signal;
      const facts = (): { command: string; array: string; url: string } => ({ command, array: opts.name, url: shownUrl() });
      try {
        const dispatcher = ready ?? (await getAgent());
        const { origin, path } = targetOf();
        const res = await fetchText(
          dispatcher,
          { origin, path: `${path}?${buildQuery(command, params, opts.apiKey)}`, method: 'GET', headers: { accept: 'application/json' } },
          combined,
        );
        const text = res.text;
        const description = header(res.headers['x-description']);
        const contentType = header(res.headers['content-type']);
        return {
          status: res.status,
          text,
          get url() {
            return shownUrl();
          },
          ...(description !== undefined ? { description } : {}),
          ...(contentType !== undefined ? { contentType } : {}),
        };
      } catch (err) {
        if (err instanceof CcsnapError) throw err;
        if (signal?.aborted) throw new CcsnapError('CCSNAP_ABORTED', `array ${opts.name}: ${command} aborted`, { details: facts(), cause: signal.reason });
        if (combined.aborted)
          throw new CcsnapError(ARRAY_ERROR_CODES.timeout, `array ${opts.name}: ${command} got no answer within ${timeoutMs} ms`, {
            details: { ...facts(), timeoutMs },
          });
        throw networkError(err, facts(), hide);
      } finally {
        deadline.clear();
      }
    },
  };
}

async function makeAgent(opts: TransportOptions): Promise<Agent> {
  let ca: string | undefined;
  if (opts.cacert) {
    try {
      ca = opts.cacert.includes('-----BEGIN') ? opts.cacert : await readFile(opts.cacert, 'utf8');
    } catch (err) {
      throw new CcsnapError(ARRAY_ERROR_CODES.tls, `array ${opts.name}: cannot read CA file ${opts.cacert}: ${(err as Error).message}`, {
        details: { array: opts.name, cacert: opts.cacert },
        cause: err,
      });
    }
  }
  return new Agent({
    connect: { rejectUnauthorized: opts.insecure !== true, ...(ca !== undefined ? { ca } : {}) },
    keepAliveTimeout: 10_000,
  });
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}

/** Maps a socket-level failure to TLS / unreachable (not sent) / connection reset (maybe sent). */
export function networkError(err: unknown, facts: { command: string; array: string; url: string }, hide: (t: string) => string): CcsnapError {
  const codes = errorCodes(err);
  const reason = hide(err instanceof Error ? err.message : String(err));
  const details = { ...facts, reason, errno: codes[0] };
  if (codes.some((c) => TLS_CODES.has(c) || c.startsWith('ERR_SSL') || c.startsWith('ERR_TLS'))) {
    return new CcsnapError(ARRAY_ERROR_CODES.tls, `array ${facts.array}: TLS verification failed (${codes[0]}): ${reason}`, { details, cause: err });
  }
  if (codes.some((c) => UNREACHABLE_CODES.has(c))) {
    return new CcsnapError(ARRAY_ERROR_CODES.unreachable, `array ${facts.array} is unreachable (${codes[0]}): ${reason}`, {
      details: { ...details, sent: false },
      cause: err,
    });
  }
  if (codes.some((c) => RESET_CODES.has(c))) {
    return new CcsnapError(ARRAY_ERROR_CODES.connectionReset, `array ${facts.array}: connection lost during ${facts.command} (${codes[0]})`, {
      details: { ...details, sent: 'unknown' },
      cause: err,
    });
  }
  return new CcsnapError(ARRAY_ERROR_CODES.unreachable, `array ${facts.array}: ${facts.command} failed: ${reason}`, { details, cause: err });
}

function errorCodes(err: unknown): string[] {
  const out: string[] = [];
  let cur: unknown = err;
  for (let i = 0; i < 5 && cur && typeof cur === 'object'; i++) {
    const code = (cur as { code?: unknown }).code;
    if (typeof code === 'string') out.push(code);
    cur = (cur as { cause?: unknown }).cause;
  }
  return out;
}
