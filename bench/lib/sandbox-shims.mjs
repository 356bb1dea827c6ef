import { defaultPlugins } from '../../dist/sandbox-entry.js';

/** The sandbox's page size when the client sends no `limit` (src/sandbox/openstack/nova-list.ts paginate). */
const DEFAULT_MAX_LIMIT = 1000;
const LIST_ROUTE = /\/(servers|volumes)(\/detail)?$/;

/**
 * BENCH SHIM — not part of the emulator. Real Nova and Cinder (`_get_collection_links`) add a rel=next link
 * when a page comes back full even if the client sent no `limit` ("3) 'limit' param is NOT specified but the
 * number of items is CONF.api.max_limit"). The sandbox's `paginate` (src/sandbox/openstack/nova-list.ts)
 * only does so when `limit` was given, so a client without a `limit` silently sees the first 1000 servers
 * or volumes. This wraps the Nova/Cinder list routes to add that link, and does nothing once the sandbox
 * sends it itself. Without it the list benchmark above 1000 instances would measure a truncated list.
 */
export function pluginsWithNovaPaging() {
  return defaultPlugins().map((plugin) => ({
    ...plugin,
    register(router, ctx) {
      const proxy = Object.create(router);
      proxy.add = (method, pattern, handler) => router.add(method, pattern, wrapIfList(method, pattern, handler, ctx));
      plugin.register(proxy, ctx);
    },
  }));
}

function wrapIfList(method, pattern, handler, ctx) {
  const m = LIST_ROUTE.exec(pattern);
  if (method.toUpperCase() !== 'GET' || !m) return handler;
  const itemsKey = m[1];
  const linksKey = `${itemsKey}_links`;
  return async (req) => {
    const res = await handler(req);
    if (req.query.has('limit') || res.status !== 200 || !res.body || typeof res.body !== 'object') return res;
    const items = res.body[itemsKey];
    if (!Array.isArray(items) || items.length < DEFAULT_MAX_LIMIT || res.body[linksKey]) return res;
    const next = new URLSearchParams(req.query);
    next.set('marker', items[items.length - 1].id);
    return { ...res, body: { ...res.body, [linksKey]: [{ rel: 'next', href: `${ctx.baseUrl}${req.path}?${next}` }] } };
  };
}
