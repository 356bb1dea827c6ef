import { CcsnapError } from '../errors.js';
import { isHttpStatus } from './http-errors.js';
import { listAllPages } from './pagination.js';
import { normalizeServer, type Server } from './server-model.js';
import type { Session } from './session.js';
import { pickSignal } from '../util/optional.js';

export type { Server } from './server-model.js';

type Signal = { signal?: AbortSignal };

export const serversDetailPath = (): string => '/servers/detail';
export const serverPath = (id: string): string => `/servers/${encodeURIComponent(id)}`;
export const serverActionPath = (id: string): string => `${serverPath(id)}/action`;

/** Nova filters `name` by regular expression; anchor and escape it for an exact match. */
export function exactNameRegex(name: string): string {
  return `^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`;
}

/** GET /servers/detail (every page), optionally across all projects. */
export async function listServers(session: Session, opts: { allTenants?: boolean; limit?: number } & Signal = {}): Promise<Server[]> {
  return listAllPages(
    session,
    {
      serviceType: 'compute',
      path: serversDetailPath(),
      itemsKey: 'servers',
      linksKey: 'servers_links',
      ...(opts.allTenants ? { query: { all_tenants: 1 } } : {}),
      ...(opts.limit ? { limit: opts.limit } : {}),
      ...pickSignal(opts.signal),
    },
    normalizeServer,
  );
}

/** GET /servers/{id}; 404 → CCSNAP_INSTANCE_NOT_FOUND. */
export async function getServerById(session: Session, id: string, opts: Signal = {}): Promise<Server> {
  try {
    const res = await session.request<{ server: Record<string, unknown> }>('compute', 'GET', serverPath(id), pickSignal(opts.signal));
    return normalizeServer(res.body.server);
  } catch (err) {
    if (isHttpStatus(err, 404)) throw notFound(id, err);
    throw err;
  }
}

/** By id first; on 404 by exact name (0 → CCSNAP_INSTANCE_NOT_FOUND, >1 → CCSNAP_INSTANCE_AMBIGUOUS). */
export async function getServer(session: Session, idOrName: string, opts: { allTenants?: boolean } & Signal = {}): Promise<Server> {
  try {
    return await getServerById(session, idOrName, opts);
  } catch (err) {
    if (!(err instanceof CcsnapError) || err.code !== 'CCSNAP_INSTANCE_NOT_FOUND') throw err;
  }
  const res = await session.request<{ servers: Array<Record<string, unknown>> }>('compute', 'GET', serversDetailPath(), {
    query: { name: exactNameRegex(idOrName), ...(opts.allTenants ? { all_tenants: 1 } : {}) },
    ...pickSignal(opts.signal),
  });
  const matches = (res.body.servers ?? []).map(normalizeServer).filter((s) => s.name === idOrName);
  if (matches.length === 1) return matches[0]!;
  if (matches.length === 0) throw notFound(idOrName);
  const ids = matches.map((s) => s.id);
  throw new CcsnapError('CCSNAP_INSTANCE_AMBIGUOUS', `${matches.length} instances are named "${idOrName}": ${ids.join(', ')}; use an id`, {
    details: { name: idOrName, candidates: matches.map((s) => ({ id: s.id, name: s.name, status: s.status, projectId: s.projectId })) },
  });
}

function notFound(idOrName: string, cause?: unknown): CcsnapError {
  return new CcsnapError('CCSNAP_INSTANCE_NOT_FOUND', `no instance with id or name "${idOrName}"`, {
    details: { instance: idOrName },
    ...(cause ? { cause } : {}),
  });
}

async function serverAction(session: Session, id: string, action: Record<string, unknown>, signal: AbortSignal | undefined): Promise<void> {
  try {
    await session.request('compute', 'POST', serverActionPath(id), { body: action, idempotent: false, ...pickSignal(signal) });
  } catch (err) {
    if (isHttpStatus(err, 404)) throw notFound(id, err);
    throw err;
  }
}

/** POST /servers/{id}/action {"os-stop": null}. Never retried. 409 when already stopped. */
export function stopServer(session: Session, id: string, opts: Signal = {}): Promise<void> {
  return serverAction(session, id, { 'os-stop': null }, opts.signal);
}

/** POST /servers/{id}/action {"os-start": null}. Never retried. */
export function startServer(session: Session, id: string, opts: Signal = {}): Promise<void> {
  return serverAction(session, id, { 'os-start': null }, opts.signal);
}
