import type { IncomingMessage, ServerResponse } from 'node:http';
import { CcsnapError, isCcsnapError, toCcsnapError } from '../errors.js';
import { boundedBy } from './bounded.js';
import type { DaemonMetrics } from './metrics.js';
import { renderStatusPage } from './page/render.js';
import { send, sendError, sendJson } from './http-util.js';
import type { DaemonView, SetQuery, ViewCall } from './view.js';

/** The status page's chart and failure list reach this far back. */
export const CHART_HOURS = 24;
export const FAILURE_DAYS = 7;
export const PAGE_FAILURES = 20;
export const DEFAULT_SET_LIMIT = 100;
export const MAX_SET_LIMIT = 1000;

export interface RouteContext {
  view: DaemonView;
  metrics: DaemonMetrics;
  version: string;
  startedAt: number;
}

type Handler = (ctx: RouteContext, call: ViewCall, req: IncomingMessage, res: ServerResponse, url: URL, params: string[]) => Promise<void>;

interface Route {
  method: 'GET' | 'POST';
  pattern: RegExp;
  handler: Handler;
}

const ROUTES: Route[] = [
  { method: 'GET', pattern: /^\/$/, handler: statusPage },
  { method: 'GET', pattern: /^\/metrics$/, handler: metrics },
  { method: 'GET', pattern: /^\/healthz$/, handler: healthz },
  { method: 'GET', pattern: /^\/api\/v1\/policies$/, handler: policies },
  { method: 'GET', pattern: /^\/api\/v1\/sets$/, handler: sets },
  { method: 'POST', pattern: /^\/api\/v1\/policies\/([^/]+)\/run$/, handler: triggerRun },
];

/** True for the one route that needs no token (a liveness probe must not need a secret). */
export function isPublicPath(pathname: string): boolean {
  return pathname === '/healthz';
}

/** Finds the route and runs it; unknown paths answer 404, wrong methods 405 with Allow. */
export async function route(ctx: RouteContext, call: ViewCall, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const matches = ROUTES.map((r) => ({ r, m: r.pattern.exec(url.pathname) })).filter((x) => x.m !== null);
  if (matches.length === 0) return sendError(res, 404, 'CCSNAP_DAEMON_NOT_FOUND', `no route ${url.pathname}`);
  const method = req.method === 'HEAD' ? 'GET' : req.method;
  const hit = matches.find((x) => x.r.method === method);
  if (!hit) {
    const allow = [...new Set(matches.flatMap((x) => (x.r.method === 'GET' ? ['GET', 'HEAD'] : [x.r.method])))].join(', ');
    return sendError(res, 405, 'CCSNAP_USAGE', `${req.method ?? '?'} is not allowed on ${url.pathname} (allowed: ${allow})`, { allow });
  }
  try {
    const params = hit.m!.slice(1).map(decodePathPart);
    await boundedBy(hit.r.handler(ctx, call, req, res, url, params), call.signal, `${req.method ?? ''} ${url.pathname}`);
  } catch (err) {
    if (res.headersSent) return;
    const e = toCcsnapError(err);
    const status = e.code === 'CCSNAP_ABORTED' ? 503 : e.exitCode === 2 ? 400 : 500;
    sendError(res, status, e.code, e.message);
  }
}

function decodePathPart(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    throw new CcsnapError('CCSNAP_USAGE', `bad percent-encoding in the path: ${JSON.stringify(part)}`);
  }
}

async function healthz(ctx: RouteContext, _call: ViewCall, _req: IncomingMessage, res: ServerResponse): Promise<void> {
  sendJson(res, 200, { ok: true, version: ctx.version, uptimeSeconds: Math.round((Date.now() - ctx.startedAt) / 100) / 10 });
}

async function metrics(ctx: RouteContext, call: ViewCall, _req: IncomingMessage, res: ServerResponse): Promise<void> {
  const body = await ctx.metrics.render(call);
  send(res, 200, ctx.metrics.contentType, body);
}

async function policies(ctx: RouteContext, call: ViewCall, _req: IncomingMessage, res: ServerResponse): Promise<void> {
  sendJson(res, 200, { policies: await ctx.view.policies(call) });
}

async function sets(ctx: RouteContext, call: ViewCall, _req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  sendJson(res, 200, { sets: await ctx.view.sets(parseSetQuery(url.searchParams), call) });
}

/** `instance`, `policy` (non-empty when given) and `limit` (1-1000, default 100); anything else is refused. */
export function parseSetQuery(q: URLSearchParams): SetQuery {
  for (const key of q.keys()) {
    if (!['instance', 'policy', 'limit'].includes(key))
      throw new CcsnapError('CCSNAP_USAGE', `unknown query parameter ${JSON.stringify(key)} (known: instance, policy, limit)`);
  }
  const one = (key: string): string | undefined => {
    const all = q.getAll(key);
    if (all.length > 1) throw new CcsnapError('CCSNAP_USAGE', `query parameter ${key} is given ${all.length} times`);
    if (all[0] === '') throw new CcsnapError('CCSNAP_USAGE', `query parameter ${key} is empty (leave it out for all)`);
    return all[0];
  };
  const limitText = one('limit');
  const limit = limitText === undefined ? DEFAULT_SET_LIMIT : Number(limitText);
  if (!/^\d+$/.test(limitText ?? '1') || !Number.isInteger(limit) || limit < 1 || limit > MAX_SET_LIMIT) {
    throw new CcsnapError('CCSNAP_USAGE', `limit must be a whole number from 1 to ${MAX_SET_LIMIT}, not ${JSON.stringify(limitText)}`);
  }
  const instance = one('instance');
  const policy = one('policy');
  return { limit, ...(instance !== undefined ? { instance } : {}), ...(policy !== undefined ? { policy } : {}) };
}

async function triggerRun(ctx: RouteContext, call: ViewCall, _req: IncomingMessage, res: ServerResponse, _url: URL, [name]: string[]): Promise<void> {
  let run;
  try {
    run = await ctx.view.triggerPolicy(name!, call);
  } catch (err) {
    if (!isCcsnapError(err)) throw err;
    return sendError(res, 409, err.code, err.message);
  }
  if (!run) return sendError(res, 404, 'CCSNAP_DAEMON_NOT_FOUND', `no policy named ${JSON.stringify(name)}`);
  sendJson(res, 202, { accepted: true, runId: run.runId, policy: run.policy });
}

async function statusPage(ctx: RouteContext, call: ViewCall, _req: IncomingMessage, res: ServerResponse): Promise<void> {
  const now = call.now.getTime();
  const [policyList, failures, freezeWindows, guestsFrozen] = await Promise.all([
    ctx.view.policies(call),
    ctx.view.failures({ limit: PAGE_FAILURES, since: new Date(now - FAILURE_DAYS * 86_400_000).toISOString() }, call),
    ctx.view.freezeWindows(new Date(now - CHART_HOURS * 3_600_000).toISOString(), call),
    ctx.view.guestsFrozen(call),
  ]);
  const html = renderStatusPage({ version: ctx.version, now: call.now, policies: policyList, failures, freezeWindows, guestsFrozen, chartHours: CHART_HOURS });
  send(res, 200, 'text/html; charset=utf-8', html);
}
