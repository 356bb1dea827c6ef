import type { Query } from './http-types.js';
import type { Session } from './session.js';

export interface PageOptions {
  serviceType: string;
  path: string;
  /** Body key of the items ("servers") and of the links ("servers_links"). */
  itemsKey: string;
  linksKey: string;
  query?: Query;
  /** Page size sent as `limit`; pages continue by marker while they come back full. */
  limit?: number;
  signal?: AbortSignal;
  /** Safety stop against a service that keeps sending the same next link. */
  maxPages?: number;
}

type Link = { rel?: string; href?: string };

function readNextQuery(body: Record<string, unknown>, linksKey: string): Query | undefined {
  const links = body[linksKey];
  if (!Array.isArray(links)) return undefined;
  const href = (links as Link[]).find((l) => l.rel === 'next')?.href;
  if (!href) return undefined;
  const query: Record<string, string[]> = {};
  for (const [key, value] of new URL(href, 'http://placeholder').searchParams) (query[key] ??= []).push(value);
  return query;
}

/**
 * Fetches every page of a collection: follows `<items>_links` rel=next (reusing only its query, so
 * requests stay on our endpoint), or asks for the next `marker` when a full page of `limit` came back.
 * Each page's items go through `toItem` as the page arrives, so the raw bodies of earlier pages are
 * garbage by the time the next one comes (10 000 raw Nova servers weigh far more than their normalized form).
 */
export async function listAllPages<T>(session: Session, opts: PageOptions, toItem: (raw: Record<string, unknown>) => T): Promise<T[]> {
  const items: T[] = [];
  let query: Query = { ...opts.query, ...(opts.limit ? { limit: opts.limit } : {}) };
  const seenMarkers = new Set<string>();
  for (let page = 0; page < (opts.maxPages ?? 10_000); page++) {
    const res = await session.request<Record<string, unknown>>(opts.serviceType, 'GET', opts.path, { query, ...(opts.signal ? { signal: opts.signal } : {}) });
    const body = res.body ?? {};
    const pageItems = Array.isArray(body[opts.itemsKey]) ? (body[opts.itemsKey] as Array<Record<string, unknown>>) : [];
    for (const raw of pageItems) items.push(toItem(raw));
    const last = pageItems.at(-1)?.id;
    const next =
      readNextQuery(body, opts.linksKey) ?? (opts.limit && pageItems.length >= opts.limit && typeof last === 'string' ? { ...query, marker: last } : undefined);
    const marker = next ? String(next.marker ?? '') : '';
    if (!next || seenMarkers.has(marker)) return items;
    seenMarkers.add(marker);
    query = next;
  }
  return items;
}
