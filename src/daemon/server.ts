import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CcsnapError } from '../errors.js';
import { startDeadline } from '../util/deadline.js';
import { isAuthorized, readTokenFile } from './auth.js';
import { sendError } from './http-util.js';
import { DEFAULT_LISTEN, isLoopback, parseListen } from './listen.js';
import type { DaemonMetrics } from './metrics.js';
import { isPublicPath, route, type RouteContext } from './routes.js';
import type { DaemonView } from './view.js';

/** Bound of one request's reads of the view (journal, policies). */
export const REQUEST_TIMEOUT_MS = 30_000;

export interface DaemonServerOptions {
  view: DaemonView;
  metrics: DaemonMetrics;
  version: string;
  /** HOST:PORT; default 127.0.0.1:9464. Anything but loopback needs `tokenFile`. */
  listen?: string;
  /** A file (0600) holding the bearer token; when given, every route but /healthz needs it, on any address. */
  tokenFile?: string;
  /** The clock every judgement is made with (tests inject one). */
  now?: () => Date;
  requestTimeoutMs?: number;
  /** Told about failed requests (never a token or a header). */
  onError?: (message: string) => void;
}

export interface DaemonServer {
  /** http://HOST:PORT of the bound address. */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /**
   * Stops accepting connections, lets requests in flight finish, closes idle keep-alive connections.
   * When `signal` aborts first, the remaining connections are cut. Idempotent.
   */
  close(opts?: { signal?: AbortSignal }): Promise<void>;
}

/** Starts the daemon's HTTP server: /metrics, /healthz, /api/v1/…, and the status page at /. */
export async function startDaemonServer(opts: DaemonServerOptions): Promise<DaemonServer> {
  const address = parseListen(opts.listen ?? DEFAULT_LISTEN);
  const loopback = isLoopback(address.host);
  if (!loopback && opts.tokenFile === undefined) {
    throw new CcsnapError('CCSNAP_DAEMON_TOKEN_REQUIRED', `listening on ${address.host} (not loopback) needs a bearer-token file (--token-file)`, {
      details: { listen: opts.listen },
    });
  }
  const token = opts.tokenFile !== undefined ? readTokenFile(opts.tokenFile) : undefined;
  const ctx: RouteContext = { view: opts.view, metrics: opts.metrics, version: opts.version, startedAt: Date.now() };
  const now = opts.now ?? (() => new Date());
  const closing = new AbortController();
  const inFlight = new Set<ServerResponse>();

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    inFlight.add(res);
    const done = new AbortController();
    res.on('close', () => {
      inFlight.delete(res);
      done.abort(new DOMException('request closed', 'AbortError'));
      if (closing.signal.aborted) server.closeIdleConnections();
    });
    if (closing.signal.aborted) res.setHeader('connection', 'close');
    const deadline = startDeadline(opts.requestTimeoutMs ?? REQUEST_TIMEOUT_MS, done.signal, `${req.method ?? ''} ${req.url ?? ''}`);
    try {
      const url = new URL(req.url ?? '/', 'http://daemon.invalid');
      const refusal = refuse(req, url, { token, loopback });
      if (refusal) return sendError(res, refusal.status, refusal.code, refusal.message, refusal.headers ?? {});
      await route(ctx, { signal: deadline.signal, now: now() }, req, res, url);
    } catch (err) {
      opts.onError?.(`${req.method ?? ''} ${req.url ?? ''}: ${(err as Error).message}`);
      if (!res.headersSent) sendError(res, 500, 'CCSNAP_INTERNAL', 'internal error');
      else res.destroy();
    } finally {
      deadline.clear();
      // A request body nobody reads must not hold the connection.
      req.resume();
    }
  };

  const server: Server = createServer({ requestTimeout: 60_000, headersTimeout: 20_000, keepAliveTimeout: 5_000 }, (req, res) => void handle(req, res));
  await listen(server, address.host, address.port);
  const bound = server.address() as AddressInfo;
  const hostText = bound.family === 'IPv6' ? `[${bound.address}]` : bound.address;
  let closed: Promise<void> | undefined;
  return {
    url: `http://${hostText}:${bound.port}`,
    host: bound.address,
    port: bound.port,
    close(o = {}) {
      closed ??= new Promise<void>((resolve) => {
        closing.abort();
        server.close(() => resolve());
        server.closeIdleConnections();
        if (inFlight.size === 0) server.closeAllConnections();
      });
      if (o.signal) {
        const cut = (): void => server.closeAllConnections();
        if (o.signal.aborted) cut();
        else o.signal.addEventListener('abort', cut, { once: true });
      }
      return closed;
    },
  };
}

interface Refusal {
  status: number;
  code: string;
  message: string;
  headers?: Record<string, string>;
}

/**
 * Before any route: the token (every route but /healthz, when a token is set) and, on loopback without a
 * token, the Host header (a page on another site that resolves its name to 127.0.0.1 must not read or
 * trigger anything: DNS rebinding) and the Origin of a POST (no cross-site trigger).
 */
function refuse(req: IncomingMessage, url: URL, auth: { token: string | undefined; loopback: boolean }): Refusal | undefined {
  if (auth.token !== undefined) {
    if (isPublicPath(url.pathname) || isAuthorized(req.headers.authorization, auth.token)) return undefined;
    return {
      status: 401,
      code: 'CCSNAP_DAEMON_UNAUTHORIZED',
      message: 'this route needs "Authorization: Bearer <token>" with the token of the daemon\'s token file',
      headers: { 'www-authenticate': 'Bearer realm="ccsnap"' },
    };
  }
  const host = hostnameOf(req.headers.host);
  if (host === undefined || !isLoopback(host)) {
    return { status: 403, code: 'CCSNAP_DAEMON_UNAUTHORIZED', message: 'the Host header must name a loopback address (127.0.0.1, [::1] or localhost)' };
  }
  const origin = req.headers.origin;
  if (req.method === 'POST' && origin !== undefined && hostnameOf(safeHost(origin)) !== host) {
    return { status: 403, code: 'CCSNAP_DAEMON_UNAUTHORIZED', message: 'cross-origin requests may not trigger runs' };
  }
  return undefined;
}

function hostnameOf(hostHeader: string | undefined): string | undefined {
  if (!hostHeader) return undefined;
  const m = /^\[([^\]]+)\](?::\d+)?$/.exec(hostHeader) ?? /^([^:]+)(?::\d+)?$/.exec(hostHeader);
  return m?.[1]?.toLowerCase();
}

function safeHost(origin: string): string | undefined {
  try {
    return new URL(origin).host;
  } catch {
    return undefined;
  }
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException): void => {
      reject(
        new CcsnapError('CCSNAP_DAEMON_BIND', `cannot listen on ${host}:${port}: ${err.code ?? err.message}`, {
          details: { host, port, errno: err.code },
          cause: err,
        }),
      );
    };
    server.once('error', onError);
    server.listen({ port, host, exclusive: true }, () => {
      server.off('error', onError);
      resolve();
    });
  });
}
