import type { IncomingMessage, ServerResponse } from 'node:http';

/** One request as the sandbox's handlers see it. */
export interface SandboxRequest {
  method: string;
  /** Path without query string, e.g. "/compute/v2.1/servers/detail". */
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: unknown;
  rawBody: string;
  /** Route parameters captured by `:name` segments. */
  params: Record<string, string>;
}

export interface SandboxResponse {
  status: number;
  headers?: Record<string, string>;
  /** Objects are sent as JSON; strings are sent as-is. */
  body?: unknown;
  /** Names the request in the transcript (array command, virsh command, Nova server action). */
  command?: string;
}

export type Handler = (req: SandboxRequest) => SandboxResponse | Promise<SandboxResponse>;

interface Route {
  method: string;
  segments: string[];
  handler: Handler;
}

/** A tiny method+path router. Patterns use `:name` for one segment and `*` as the last segment for the rest. */
export class Router {
  private readonly routes: Route[] = [];

  add(method: string, pattern: string, handler: Handler): void {
    this.routes.push({ method: method.toUpperCase(), segments: splitPath(pattern), handler });
  }

  get(pattern: string, handler: Handler): void {
    this.add('GET', pattern, handler);
  }
  post(pattern: string, handler: Handler): void {
    this.add('POST', pattern, handler);
  }
  delete(pattern: string, handler: Handler): void {
    this.add('DELETE', pattern, handler);
  }

  /** Finds the handler for a request; `methodMismatch` is true when the path matched with another method. */
  match(method: string, path: string): { handler?: Handler; params: Record<string, string>; methodMismatch: boolean } {
    const segments = splitPath(path);
    let methodMismatch = false;
    for (const route of this.routes) {
      const params = matchSegments(route.segments, segments);
      if (!params) continue;
      if (route.method !== method.toUpperCase()) {
        methodMismatch = true;
        continue;
      }
      return { handler: route.handler, params, methodMismatch: false };
    }
    return { params: {}, methodMismatch };
  }
}

function splitPath(path: string): string[] {
  return path.split('/').filter((s) => s.length > 0);
}

function matchSegments(pattern: string[], actual: string[]): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const p = pattern[i]!;
    if (p === '*') {
      params['*'] = actual.slice(i).join('/');
      return params;
    }
    const a = actual[i];
    if (a === undefined) return undefined;
    if (p.startsWith(':')) params[p.slice(1)] = decodeURIComponent(a);
    else if (p !== a) return undefined;
  }
  return pattern.length === actual.length ? params : undefined;
}

export type { IncomingMessage, ServerResponse };
