import type { Router, SandboxResponse } from '../router.js';
import type { SandboxContext, SandboxPlugin } from '../context.js';
import type { SandboxVolume } from '../state.js';
import { guard, json, osError, registerFallback, truthyParam, type GuardOptions, type OsCall } from './http.js';
import { negotiate, versionHeaders, VOLUME_VERSIONS, type Microversion } from './microversion.js';
import { isAdmin, ListParamError, paginate, sortNewestFirst } from './nova-list.js';
import { volumeDetail, volumeSummary, volumeTypeView, volumeUrl } from './cinder-views.js';
import { registerServices, registerSnapshots } from './cinder-admin.js';
import { listAttachments } from './cinder-attachments.js';

const PREFIX = '/volume';
const V3 = `${PREFIX}/v3`;

type CinderHandler = (call: OsCall, mv: Microversion) => SandboxResponse | Promise<SandboxResponse>;

/** A Cinder route: faults, token, microversion negotiation, and `OpenStack-API-Version: volume X` echoed. */
function cinderRoute(ctx: SandboxContext, handler: CinderHandler, options: GuardOptions = {}) {
  return guard(
    ctx,
    'cinder',
    async (call) => {
      const negotiated = negotiate(call.req, VOLUME_VERSIONS);
      if ('error' in negotiated) return osError('cinder', 406, negotiated.error);
      const res = await handler(call, negotiated.version);
      res.headers = { ...res.headers, ...versionHeaders(VOLUME_VERSIONS, negotiated.version) };
      return res;
    },
    options,
  );
}

function v3Doc(ctx: SandboxContext): Record<string, unknown> {
  return {
    id: 'v3.0',
    status: 'CURRENT',
    version: VOLUME_VERSIONS.max,
    min_version: VOLUME_VERSIONS.min,
    updated: '2022-08-31T00:00:00Z',
    links: [
      { rel: 'describedby', type: 'text/html', href: 'https://docs.openstack.org/' },
      { rel: 'self', href: `${ctx.baseUrl}${V3}/` },
    ],
    'media-types': [{ base: 'application/json', type: 'application/vnd.openstack.volume+json;version=3' }],
  };
}

function registerVersions(router: Router, ctx: SandboxContext): void {
  router.get(
    PREFIX,
    cinderRoute(ctx, () => json(300, { versions: [v3Doc(ctx)] }), { auth: false }),
  );
  router.get(
    V3,
    cinderRoute(ctx, () => json(200, { versions: [v3Doc(ctx)] }), { auth: false }),
  );
}

/** Volumes the caller sees: its project's, or all projects' for an admin with `all_tenants`. */
function filterVolumes(ctx: SandboxContext, call: OsCall): SandboxVolume[] {
  const q = call.req.query;
  const admin = isAdmin(call.token);
  const allTenants = admin && truthyParam(q.get('all_tenants'), true);
  const project = q.get('project_id');
  const name = q.get('name');
  const nameLike = q.get('name~');
  const status = q.get('status');
  const bootable = q.get('bootable');
  return ctx.state.cinder.volumes.filter((v) => {
    if (!allTenants && v.tenantId !== call.token?.projectId) return false;
    if (allTenants && project && v.tenantId !== project) return false;
    if (name !== null && v.name !== name) return false;
    if (nameLike !== null && !v.name.includes(nameLike)) return false;
    if (status !== null && v.status !== status) return false;
    if (bootable !== null && v.bootable !== truthyParam(bootable)) return false;
    return true;
  });
}

function listVolumes(ctx: SandboxContext, detail: boolean): CinderHandler {
  return (call, mv) => {
    const projectId = call.req.params['project']!;
    const matching = sortNewestFirst(filterVolumes(ctx, call), (v) => v.created);
    try {
      const page = paginate(matching, call.req.query);
      const admin = isAdmin(call.token);
      const body: Record<string, unknown> = {
        volumes: page.items.map((v) => (detail ? volumeDetail(ctx, projectId, v, mv, admin) : volumeSummary(ctx, projectId, v))),
      };
      if (page.nextQuery) {
        body['volumes_links'] = [{ rel: 'next', href: `${volumeUrl(ctx, projectId)}/volumes${detail ? '/detail' : ''}?${page.nextQuery}` }];
      }
      return json(200, body);
    } catch (err) {
      if (err instanceof ListParamError) return osError('cinder', 400, err.message);
      throw err;
    }
  };
}

function registerVolumes(router: Router, ctx: SandboxContext): void {
  router.get(`${V3}/:project/attachments`, cinderRoute(ctx, listAttachments(ctx, false)));
  router.get(`${V3}/:project/attachments/detail`, cinderRoute(ctx, listAttachments(ctx, true)));
  router.get(`${V3}/:project/volumes`, cinderRoute(ctx, listVolumes(ctx, false)));
  router.get(`${V3}/:project/volumes/detail`, cinderRoute(ctx, listVolumes(ctx, true)));
  router.get(
    `${V3}/:project/volumes/:id`,
    cinderRoute(ctx, (call, mv) => {
      const id = call.req.params['id']!;
      const admin = isAdmin(call.token);
      const volume = ctx.state.cinder.volumes.find((v) => v.id === id && (admin || v.tenantId === call.token?.projectId));
      if (!volume) return osError('cinder', 404, `Volume ${id} could not be found.`);
      return json(200, { volume: volumeDetail(ctx, call.req.params['project']!, volume, mv, admin) });
    }),
  );
}

function registerTypes(router: Router, ctx: SandboxContext): void {
  router.get(
    `${V3}/:project/types`,
    cinderRoute(ctx, (call) => json(200, { volume_types: ctx.state.cinder.types.map((t) => volumeTypeView(t, isAdmin(call.token))) })),
  );
  router.get(
    `${V3}/:project/types/:id`,
    cinderRoute(ctx, (call) => {
      const id = call.req.params['id']!;
      const type = ctx.state.cinder.types.find((t) => t.id === id || t.name === id);
      if (!type) return osError('cinder', 404, `Volume type ${id} could not be found.`);
      return json(200, { volume_type: volumeTypeView(type, isAdmin(call.token)) });
    }),
  );
}

const KNOWN =
  /^\/v3\/[^/]+\/(volumes|types|snapshots|attachments|backups|groups|group_types|qos-specs|os-[a-z-]+|limits|extensions|messages|workers|clusters|manageable_volumes|manageable_snapshots|scheduler-stats|capabilities)(\/|$)/;

/** Cinder v3: versions, volumes (list, detail, show), attachments (list, detail), volume types, Cinder snapshots and services. */
export const cinderPlugin: SandboxPlugin = {
  name: 'cinder',
  prefixes: [PREFIX],
  register(router, ctx) {
    registerVersions(router, ctx);
    registerVolumes(router, ctx);
    registerTypes(router, ctx);
    registerSnapshots(router, ctx, V3, (h) => cinderRoute(ctx, h));
    registerServices(router, ctx, V3, (h) => cinderRoute(ctx, h));
    registerFallback(router, ctx, 'cinder', PREFIX, KNOWN);
  },
};
