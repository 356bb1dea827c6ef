import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestServer, type TestServer } from './test-server.js';

export interface CaptureEntry {
  port: number;
  method: string;
  path: string;
  headers: Record<string, string>;
  body: unknown;
  status: number;
  resp_headers: Record<string, string>;
  resp_body: unknown;
}

export const CAPTURE_DIR = join(import.meta.dirname, '..', '..', '..', 'fixtures', 'captures');

export function loadCapture(name: string): CaptureEntry[] {
  return readFileSync(join(CAPTURE_DIR, `${name}.jsonl`), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as CaptureEntry);
}

export interface Replay {
  /** URL of the server standing in for an original port (5000, 8774, 8776, 9292). */
  urlFor(port: number): string;
  servers: Map<number, TestServer>;
  /** Requests that matched no capture ("METHOD path"). */
  misses: string[];
  close(): Promise<void>;
}

const DROP_HEADERS = new Set(['content-length', 'transfer-encoding', 'connection', 'date', 'server']);

/** Path plus query with sorted parameters, so "?a=1&b=2" and "?b=2&a=1" match. */
function normalizePath(pathAndQuery: string): string {
  const url = new URL(pathAndQuery, 'http://x');
  const params = [...url.searchParams].sort(([a], [b]) => a.localeCompare(b));
  const path = url.pathname.replace(/\/+$/, '') || '/';
  return params.length === 0 ? path : `${path}?${new URLSearchParams(params).toString()}`;
}

function basePath(pathAndQuery: string): string {
  return normalizePath(pathAndQuery).split('?')[0]!;
}

/**
 * Serves recorded exchanges: one 127.0.0.1:0 server per recorded service port. A request matches
 * an entry by method and path+query, else by method and path alone (first capture wins).
 * Bodies and headers get `http://127.0.0.1:1<port>` rewritten to the replay servers.
 */
export async function startReplay(entries: CaptureEntry[]): Promise<Replay> {
  const servers = new Map<number, TestServer>();
  const misses: string[] = [];
  const referenced = entries.flatMap((e) => [...JSON.stringify(e.resp_body).matchAll(/http:\/\/127\.0\.0\.1:1(\d{4})/g)].map((m) => Number(m[1])));
  const ports = [...new Set([...entries.map((e) => e.port), ...referenced])];
  const rewrite = (text: string): string => text.replace(/http:\/\/127\.0\.0\.1:1(\d{4})/g, (whole, port: string) => servers.get(Number(port))?.url ?? whole);
  for (const port of ports) {
    const own = entries.filter((e) => e.port === port);
    const server = await startTestServer((req, res) => {
      const wanted = normalizePath(req.url);
      const entry =
        own.find((e) => e.method === req.method && normalizePath(e.path) === wanted) ??
        own.find((e) => e.method === req.method && basePath(e.path) === basePath(req.url));
      if (!entry) {
        misses.push(`${req.method} ${req.url}`);
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ itemNotFound: { code: 404, message: `no capture for ${req.method} ${req.url}` } }));
        return;
      }
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(entry.resp_headers)) {
        if (!DROP_HEADERS.has(name.toLowerCase())) headers[name] = rewrite(value);
      }
      res.writeHead(entry.status, headers);
      res.end(entry.resp_body === null ? '' : rewrite(JSON.stringify(entry.resp_body)));
    });
    servers.set(port, server);
  }
  return {
    urlFor: (port) => servers.get(port)!.url,
    servers,
    misses,
    close: async () => {
      for (const s of servers.values()) await s.close();
    },
  };
}
