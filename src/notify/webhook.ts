import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { CodedError } from '../errors.js';
import { webhookText } from '../policy/view.js';
import type { RunClock } from '../util/clock.js';
import { withDeadline } from '../util/deadline.js';
import type { WebhookPayload } from './payload.js';
import { ccsnapVersion } from './version.js';

/**
 * Delivers one webhook notification: an HTTP POST of JSON, retried with exponential back-off for a
 * bounded time. Never throws: the result says whether it was delivered, and a failure never fails the
 * run that raised it. TLS is verified (Node's CA store, plus NODE_EXTRA_CA_CERTS); redirects are not
 * followed (the body would go where the config did not say). The URL is never in a message: webhook
 * URLs often carry a token in their path, so messages name the scheme and host only.
 *
 * node:http(s) rather than fetch/undici: `--debug` traces every undici request with its path, and this
 * one's path may be a secret.
 */
export interface DeliveryOptions {
  clock: RunClock;
  /** Stops retrying (the run was interrupted). */
  signal?: AbortSignal;
  /** Bound of the whole delivery, attempts and waits included (default 2 min). */
  totalMs?: number;
  /** Bound of one attempt (default 10 s). */
  attemptTimeoutMs?: number;
  /** First wait between attempts, doubled each time up to maxDelayMs (defaults 1 s, 30 s). */
  firstDelayMs?: number;
  maxDelayMs?: number;
  /** The HTTP POST (tests may replace it); resolves with the status, rejects on no answer. */
  post?: PostJson;
}

export type PostJson = (url: URL, body: string, headers: Record<string, string>, signal: AbortSignal) => Promise<{ status: number }>;

export interface DeliveryResult {
  delivered: boolean;
  attempts: number;
  status: number | null;
  error: CodedError | null;
}

export const WEBHOOK_DEFAULTS = { totalMs: 120_000, attemptTimeoutMs: 10_000, firstDelayMs: 1_000, maxDelayMs: 30_000 } as const;

export async function deliverWebhook(url: string, payload: WebhookPayload, opts: DeliveryOptions): Promise<DeliveryResult> {
  const o = {
    totalMs: opts.totalMs ?? WEBHOOK_DEFAULTS.totalMs,
    attemptTimeoutMs: opts.attemptTimeoutMs ?? WEBHOOK_DEFAULTS.attemptTimeoutMs,
    firstDelayMs: opts.firstDelayMs ?? WEBHOOK_DEFAULTS.firstDelayMs,
    maxDelayMs: opts.maxDelayMs ?? WEBHOOK_DEFAULTS.maxDelayMs,
  };
  const clock = opts.clock;
  const post = opts.post ?? postJson;
  const body = JSON.stringify(payload);
  const headers = {
    'Content-Type': 'application/json',
    'User-Agent': `ccsnap/${ccsnapVersion()}`,
    'Idempotency-Key': payload.event_id,
    'X-Ccsnap-Event': payload.event,
  };
  const target = new URL(url);
  const endAt = clock.now().getTime() + o.totalMs;
  let attempts = 0;
  let status: number | null = null;
  let last = '';
  for (let delay = o.firstDelayMs; ; delay = Math.min(delay * 2, o.maxDelayMs)) {
    if (opts.signal?.aborted) return failed(url, attempts, status, `${last ? `${last}; ` : ''}interrupted`);
    attempts++;
    try {
      status = (await withDeadline(o.attemptTimeoutMs, opts.signal, (signal) => post(target, body, headers, signal), 'webhook')).status;
      if (status >= 200 && status < 300) return { delivered: true, attempts, status, error: null };
      last = `HTTP ${status}`;
      if (!retryable(status)) return failed(url, attempts, status, `${last} (not retried)`);
    } catch (err) {
      status = null;
      last = describeError(err);
    }
    const next = clock.now().getTime() + delay;
    if (next > endAt) return failed(url, attempts, status, `${last}; gave up after ${attempts} attempt(s)`);
    try {
      await clock.sleepUntil(new Date(next), opts.signal);
    } catch {
      return failed(url, attempts, status, `${last}; interrupted`);
    }
  }
}

/** 408, 425, 429 and 5xx are worth another try; any other answer will not change. */
function retryable(status: number): boolean {
  return status === 408 || status === 425 || status === 429 || status >= 500;
}

function failed(url: string, attempts: number, status: number | null, why: string): DeliveryResult {
  return { delivered: false, attempts, status, error: { code: 'CCSNAP_NOTIFY_FAILED', message: `notify.webhook ${webhookText(url)}: ${why}` } };
}

/** An error's code or first line; never the URL (node's connection errors name the host and port only). */
function describeError(err: unknown): string {
  const e = err as { name?: string; code?: string; message?: string };
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return 'no answer in time';
  const text = String(e?.message ?? err).split('\n')[0]!;
  return e?.code && !text.includes(e.code) ? `${e.code}: ${text}` : text;
}

/** One POST over a fresh connection (no keep-alive: a one-shot run must not be held open by an idle socket). */
export const postJson: PostJson = (url, body, headers, signal) =>
  new Promise((resolve, reject) => {
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(
      url,
      {
        method: 'POST',
        signal,
        agent: false,
        headers: { ...headers, 'Content-Length': String(Buffer.byteLength(body)), Connection: 'close' },
      },
      (res) => {
        res.resume();
        res.on('error', () => undefined);
        resolve({ status: res.statusCode ?? 0 });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
