import type { SandboxContext } from '../context.js';
import { stableHexId } from '../ids.js';

interface CatalogService {
  type: string;
  name: string;
  /** URL under the sandbox base, `{project}` replaced by the token's project id. */
  path: string;
}

/** The services a token's catalog names; `volumev3` and `block-storage` both, as devstack registers them. */
const SERVICES: CatalogService[] = [
  { type: 'identity', name: 'keystone', path: '/identity/v3' },
  { type: 'compute', name: 'nova', path: '/compute/v2.1' },
  { type: 'volumev3', name: 'cinderv3', path: '/volume/v3/{project}' },
  { type: 'block-storage', name: 'cinder', path: '/volume/v3/{project}' },
  { type: 'image', name: 'glance', path: '/image' },
  { type: 'network', name: 'neutron', path: '/network' },
];

const INTERFACES = ['public', 'internal', 'admin'] as const;

/** The catalog as real Keystone sends it in a project-scoped token. */
export function buildCatalog(ctx: SandboxContext, projectId: string): unknown[] {
  const region = ctx.state.region;
  return SERVICES.map((svc) => {
    const url = `${ctx.baseUrl}${svc.path.replace('{project}', projectId)}`;
    return {
      endpoints: INTERFACES.map((iface) => ({
        id: stableHexId(`endpoint:${svc.name}:${iface}`),
        interface: iface,
        region_id: region,
        url,
        region,
      })),
      id: stableHexId(`service:${svc.name}`),
      type: svc.type,
      name: svc.name,
    };
  });
}
