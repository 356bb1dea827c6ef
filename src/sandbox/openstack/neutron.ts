import type { SandboxPlugin } from '../context.js';
import { guard, json, registerFallback } from './http.js';

const PREFIX = '/network';

/** Collections Nova and the clients may ask for; the sandbox has no networking, so each is empty. */
const EMPTY_COLLECTIONS: Record<string, string> = {
  ports: 'ports',
  networks: 'networks',
  subnets: 'subnets',
  'security-groups': 'security_groups',
  'security-group-rules': 'security_group_rules',
  floatingips: 'floatingips',
  routers: 'routers',
  extensions: 'extensions',
};

/** A Neutron stand-in (as the reference stack's fakeneutron.py): versions and empty lists. */
export const neutronPlugin: SandboxPlugin = {
  name: 'neutron',
  prefixes: [PREFIX],
  register(router, ctx) {
    router.get(
      PREFIX,
      guard(
        ctx,
        'neutron',
        () =>
          json(200, {
            versions: [{ status: 'CURRENT', id: 'v2.0', links: [{ href: `${ctx.baseUrl}${PREFIX}/v2.0/`, rel: 'self' }] }],
          }),
        { auth: false },
      ),
    );
    for (const [path, key] of Object.entries(EMPTY_COLLECTIONS)) {
      router.get(
        `${PREFIX}/v2.0/${path}`,
        guard(ctx, 'neutron', () => json(200, { [key]: [] })),
      );
    }
    registerFallback(router, ctx, 'neutron', PREFIX, /^\/v2\.0\/[a-z-]+(\/|$)/);
  },
};
