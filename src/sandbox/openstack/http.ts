import type { Handler, Router, SandboxRequest, SandboxResponse } from '../router.js';
import type { SandboxContext } from '../context.js';
import type { FaultRule } from '../fault-rule.js';
import { findToken, type IssuedToken } from './tokens.js';
import { warnSandbox } from '../warn.js';

/** The emulated OpenStack services, as the transcript and the fault registry name them. */
export type OsService = 'keystone' | 'nova' | 'cinder' | 'glance' | 'neutron';

/** What a guarded handler receives besides the request. */
export interface OsCall {
  req: SandboxRequest;
  /** The caller's token (undefined only on unauthenticated routes). */
  token: IssuedToken | undefined;
}

export type OsHandler = (call: OsCall) => SandboxResponse | Promise<SandboxResponse>;

export interface GuardOptions {
  /** Version documents are served without a token, as real services do. */
  auth?: boolean;
  /** Fault key and target for this request; default: the request path. */
  faultKey?: (req: SandboxRequest) => { key: string; target?: string } | undefined;
}

/** Nova and Cinder name the error body's key after the status code. */
const FAULT_NAMES: Record<number, string> = {
  400: 'badRequest',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'itemNotFound',
  405: 'badMethod',
  409: 'conflictingRequest',
  413: 'overLimit',
  415: 'badMediaType',
  429: 'overLimit',
  501: 'notImplemented',
  503: 'serviceUnavailable',
};

const KEYSTONE_TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  503: 'Service Unavailable',
};

export const UNAUTHORIZED_MESSAGE = 'The request you have made requires authentication.';

export function json(status: number, body: unknown, headers: Record<string, string> = {}): SandboxResponse {
  return { status, body, headers: { 'Content-Type': 'application/json', ...headers } };
}

/** An error body in the style of the given service. */
export function osError(service: OsService, status: number, message: string): SandboxResponse {
  if (service === 'keystone') {
    return json(status, { error: { code: status, title: KEYSTONE_TITLES[status] ?? 'Error', message } });
  }
  if (service === 'neutron') {
    return json(status, { NeutronError: { type: FAULT_NAMES[status] ?? 'HTTPError', message, detail: '' } });
  }
  if (service === 'glance') {
    const title = `${status} ${KEYSTONE_TITLES[status] ?? 'Error'}`;
    return {
      status,
      headers: { 'Content-Type': 'text/html; charset=UTF-8' },
      body: `<html>\n <head>\n  <title>${title}</title>\n </head>\n <body>\n  <h1>${title}</h1>\n  ${message}<br /><br />\n\n\n\n </body>\n</html>`,
    };
  }
  return json(status, { [FAULT_NAMES[status] ?? 'computeFault']: { code: status, message } });
}

export function unauthorized(service: OsService): SandboxResponse {
  const res = osError(service, 401, UNAUTHORIZED_MESSAGE);
  res.headers = { ...res.headers, 'WWW-Authenticate': 'Keystone uri="/identity"' };
  return res;
}

export function notImplemented(service: OsService, req: SandboxRequest): SandboxResponse {
  const message = `not implemented in the ccsnap sandbox: ${req.method} ${req.path}`;
  const body: Record<string, unknown> = { error: { code: 501, title: 'Not Implemented', message }, message };
  if (service === 'nova' || service === 'cinder') body['notImplemented'] = { code: 501, message };
  return json(501, body);
}

/**
 * Wraps a handler with what every OpenStack route does: apply injected faults, then check the token.
 */
export function guard(ctx: SandboxContext, service: OsService, handler: OsHandler, options: GuardOptions = {}): Handler {
  return async (req) => {
    const fk = options.faultKey?.(req) ?? { key: req.path };
    const fault = takeFault(ctx, service, fk.key, fk.target, req.path);
    if (fault) {
      const outcome = await applyFault(service, fault);
      if (outcome) return outcome;
    }
    let token: IssuedToken | undefined;
    if (options.auth !== false) {
      token = findToken(ctx, headerOf(req, 'x-auth-token'));
      if (!token) return unauthorized(service);
    }
    return handler({ req, token });
  };
}

function takeFault(ctx: SandboxContext, service: OsService, key: string, target: string | undefined, path: string): FaultRule | undefined {
  const first = ctx.faults.take(service, key, target);
  if (first || key === path) return first;
  return ctx.faults.take(service, path, target);
}

/** Latency delays and continues; an error, a hang or a non-JSON body answer instead of the handler. */
async function applyFault(service: OsService, fault: FaultRule): Promise<SandboxResponse | undefined> {
  if (fault.latencyMs) await new Promise((r) => setTimeout(r, fault.latencyMs));
  if (fault.hang) return new Promise<SandboxResponse>(() => undefined);
  if (fault.nonJson !== undefined) return { status: 200, headers: { 'Content-Type': 'text/html; charset=UTF-8' }, body: fault.nonJson };
  if (fault.errorCode) {
    const text = fault.errorText ?? defaultErrorText(fault.errorCode);
    return osError(service, fault.errorCode, text);
  }
  return undefined;
}

function defaultErrorText(code: number): string {
  if (code === 401) return UNAUTHORIZED_MESSAGE;
  if (code === 503) return 'The server is currently unavailable. Please try again at a later time.';
  if (code >= 500) return 'Unexpected API Error. Please report this at http://bugs.launchpad.net/nova/ and attach the Nova API log if possible.';
  return `Injected fault ${code}`;
}

export function headerOf(req: SandboxRequest, name: string): string | undefined {
  const v = req.headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

/** Registers a catch-all for a service prefix: 501 for known resources with unsupported methods, 404 otherwise. */
export function registerFallback(router: Router, ctx: SandboxContext, service: OsService, prefix: string, known: RegExp): void {
  const handler: Handler = guard(
    ctx,
    service,
    ({ req }) => {
      const rest = req.path.slice(prefix.length);
      if (known.test(rest)) return notImplemented(service, req);
      warnSandbox(`${service}: unknown route ${req.method} ${req.path} (answered 404)`);
      const res = osError(service, 404, `sandbox ${service}: no route for ${req.method} ${req.path}`);
      return res;
    },
    { auth: false },
  );
  for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD']) router.add(method, `${prefix}/*`, handler);
}

/** "2026-11-01T08:00:00.000000" style (Nova/Cinder database timestamps, no zone). */
export function dbStamp(date = new Date()): string {
  return `${date.toISOString().slice(0, 19)}.${String(date.getUTCMilliseconds() * 1000).padStart(6, '0')}`;
}

/** "2026-11-01T08:00:00Z" from a stored timestamp. */
export function isoSeconds(stamp: string): string {
  return `${stamp.slice(0, 19)}Z`;
}

/** Parses a query flag the way oslo's bool_from_string does ("1", "true", "yes", "on"; a bare key counts as true for all_tenants). */
export function truthyParam(value: string | null, bareIsTrue = false): boolean {
  if (value === null) return false;
  if (value === '') return bareIsTrue;
  return ['1', 't', 'true', 'on', 'y', 'yes'].includes(value.toLowerCase());
}
