import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SandboxContext, SandboxPlugin } from './context.js';
import { SandboxError } from './errors.js';
import { Router, type SandboxRequest, type SandboxResponse } from './router.js';
import { Transcript } from './transcript.js';
import { FaultRegistry } from './faults.js';
import type { FaultRule } from './fault-rule.js';
import type { SandboxState } from './state.js';
import { loadState, saveState } from './store.js';
import { registerControl } from './control.js';
import { warnSandbox } from './warn.js';

export interface SandboxOptions {
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Persistent state file; created with the demo inventory when missing. Absent = in memory. */
  statePath?: string;
  /** Initial state (overrides statePath's content). */
  state?: SandboxState;
  faults?: FaultRule[];
  plugins?: SandboxPlugin[];
  dataDir?: string;
  /** Requests the transcript keeps, newest first (default TRANSCRIPT_LIMIT: 100,000). */
  transcriptLimit?: number;
}

export interface RunningSandbox {
  url: string;
  ctx: SandboxContext;
  close(): Promise<void>;
}

export async function startSandbox(options: SandboxOptions = {}, defaultPlugins: SandboxPlugin[] = []): Promise<RunningSandbox> {
  const host = options.host ?? '127.0.0.1';
  const plugins = options.plugins ?? defaultPlugins;
  const state = options.state ?? (await loadState(options.statePath));
  const faults = new FaultRegistry();
  for (const rule of options.faults ?? []) faults.add(rule);
  const ctx: SandboxContext = {
    state,
    transcript: new Transcript(options.transcriptLimit),
    faults,
    baseUrl: '',
    save: () => {
      if (options.statePath) saveState(options.statePath, ctx.state);
    },
    ...(options.dataDir !== undefined ? { dataDir: options.dataDir } : {}),
  };
  const router = new Router();
  registerControl(router, ctx);
  for (const plugin of plugins) plugin.register(router, ctx);
  const server = createServer((req, res) => {
    void serve(router, ctx, plugins, req, res);
  });
  server.keepAliveTimeout = 30_000;
  await listen(server, options.port ?? 0, host);
  const { port } = server.address() as AddressInfo;
  ctx.baseUrl = `http://${host}:${port}`;
  return {
    url: ctx.baseUrl,
    ctx,
    close: () => closeServer(server),
  };
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        err.code === 'EADDRINUSE'
          ? new SandboxError('CCSNAP_SANDBOX_PORT', `port ${port} on ${host} is already in use`, { cause: err, details: { host, port } })
          : err,
      ),
    );
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

async function serve(router: Router, ctx: SandboxContext, plugins: SandboxPlugin[], req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://sandbox');
  const rawBody = await readBody(req);
  const service = serviceOf(url.pathname, plugins);
  const entry = ctx.transcript.begin({ service, method: req.method ?? 'GET', path: url.pathname, query: url.search });
  let response: SandboxResponse;
  try {
    const { handler, params, methodMismatch } = router.match(req.method ?? 'GET', url.pathname);
    if (!handler) {
      response = methodMismatch
        ? { status: 405, body: { error: { code: 405, message: `method ${req.method} not allowed on ${url.pathname}` } } }
        : { status: 404, body: { error: { code: 404, message: `sandbox: no route for ${req.method} ${url.pathname}` } } };
      if (!methodMismatch) warnSandbox(`unknown route ${req.method} ${url.pathname} (answered 404)`);
    } else {
      const sreq: SandboxRequest = {
        method: req.method ?? 'GET',
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        body: parseJson(rawBody),
        rawBody,
        params,
      };
      response = await handler(sreq);
      if (response.command) entry.command = response.command;
    }
  } catch (err) {
    response = { status: 500, body: { error: { code: 500, message: err instanceof Error ? err.message : String(err) } } };
  }
  ctx.transcript.finish(entry, response.status);
  if (res.destroyed) return;
  sendResponse(res, response);
}

function sendResponse(res: ServerResponse, response: SandboxResponse): void {
  const headers: Record<string, string> = { ...(response.headers ?? {}) };
  let text = '';
  if (response.body !== undefined) {
    if (typeof response.body === 'string') {
      text = response.body;
    } else {
      text = JSON.stringify(response.body);
      headers['Content-Type'] ??= 'application/json';
    }
  }
  // Encoded once: its length is the Content-Length (measuring the text and then writing it encoded it twice,
  // a tenth of the sandbox's work for a page of 1000 servers).
  const payload = Buffer.from(text, 'utf8');
  headers['Content-Length'] = String(payload.length);
  res.writeHead(response.status, headers);
  res.end(payload);
}

function serviceOf(path: string, plugins: SandboxPlugin[]): string {
  if (path.startsWith('/_sandbox')) return 'control';
  for (const plugin of plugins) {
    if (plugin.prefixes.some((p) => path === p || path.startsWith(p.endsWith('/') ? p : `${p}/`))) return plugin.name;
  }
  return 'unknown';
}

function readBody(req: IncomingMessage): Promise<string> {
  // No Content-Length and no Transfer-Encoding: the request has no body (RFC 9112 §6.3), and Node has
  // already ended its stream. Most requests (every GET) are these; the server drains the stream itself.
  if (req.headers['content-length'] === undefined && req.headers['transfer-encoding'] === undefined) return Promise.resolve('');
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function parseJson(raw: string): unknown {
  if (raw.length === 0) return undefined;
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}
