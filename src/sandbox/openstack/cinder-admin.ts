import type { Handler, Router, SandboxResponse } from '../router.js';
import type { SandboxContext } from '../context.js';
import type { SandboxCinderSnapshot } from '../state.js';
import { dbStamp, json, osError, truthyParam, type OsCall } from './http.js';
import { atLeast, type Microversion } from './microversion.js';
import { isAdmin, ListParamError, paginate, sortNewestFirst } from './nova-list.js';
import { volumeUrl } from './cinder-views.js';

type CinderHandler = (call: OsCall, mv: Microversion) => SandboxResponse | Promise<SandboxResponse>;
type RouteOf = (handler: CinderHandler) => Handler;

/**
 * Cinder's own snapshots (`volume snapshot list`, `cinder snapshot-list`): these are Cinder volume snapshots,
 * not the array snapshots ccsnap takes, so the demo cloud has none; the list has Cinder's schema either way.
 */
export function registerSnapshots(router: Router, ctx: SandboxContext, base: string, route: RouteOf): void {
  const list =
    (detail: boolean): CinderHandler =>
    (call, mv) => {
      const matching = sortNewestFirst(filterSnapshots(ctx, call), (s) => s.created);
      try {
        const page = paginate(matching, call.req.query);
        const project = call.req.params['project']!;
        const body: Record<string, unknown> = { snapshots: page.items.map((s) => (detail ? snapshotDetail(s, mv) : snapshotSummary(s))) };
        if (page.nextQuery)
          body['snapshots_links'] = [{ rel: 'next', href: `${volumeUrl(ctx, project)}/snapshots${detail ? '/detail' : ''}?${page.nextQuery}` }];
        return json(200, body);
      } catch (err) {
        if (err instanceof ListParamError) return osError('cinder', 400, err.message);
        throw err;
      }
    };
  router.get(`${base}/:project/snapshots`, route(list(false)));
  router.get(`${base}/:project/snapshots/detail`, route(list(true)));
  router.get(
    `${base}/:project/snapshots/:id`,
    route((call, mv) => {
      const id = call.req.params['id']!;
      const snapshot = visibleSnapshots(ctx, call, true).find((s) => s.id === id);
      return snapshot ? json(200, { snapshot: snapshotDetail(snapshot, mv) }) : osError('cinder', 404, `Snapshot ${id} could not be found.`);
    }),
  );
}

function visibleSnapshots(ctx: SandboxContext, call: OsCall, allForAdmin: boolean): SandboxCinderSnapshot[] {
  const all = ctx.state.cinder.snapshots ?? [];
  if (isAdmin(call.token) && allForAdmin) return all;
  return all.filter((s) => s.tenantId === call.token?.projectId);
}

function filterSnapshots(ctx: SandboxContext, call: OsCall): SandboxCinderSnapshot[] {
  const q = call.req.query;
  const allTenants = isAdmin(call.token) && truthyParam(q.get('all_tenants'), true);
  const project = q.get('project_id');
  return visibleSnapshots(ctx, call, allTenants).filter((s) => {
    if (allTenants && project && s.tenantId !== project) return false;
    for (const [key, value] of [
      ['name', s.name],
      ['status', s.status],
      ['volume_id', s.volumeId],
    ] as const) {
      const wanted = q.get(key);
      if (wanted !== null && wanted !== value) return false;
    }
    return true;
  });
}

function snapshotSummary(s: SandboxCinderSnapshot): Record<string, unknown> {
  return { id: s.id, name: s.name };
}

/** A snapshot as Cinder shows it at microversion `mv` (group_snapshot_id 3.14, user_id 3.41, consumes_quota 3.65). */
export function snapshotDetail(s: SandboxCinderSnapshot, mv: Microversion): Record<string, unknown> {
  const body: Record<string, unknown> = {
    id: s.id,
    created_at: s.created,
    updated_at: s.updated,
    name: s.name,
    description: s.description,
    volume_id: s.volumeId,
    status: s.status,
    size: s.size,
    metadata: s.metadata,
    'os-extended-snapshot-attributes:progress': s.status === 'available' ? '100%' : '0%',
    'os-extended-snapshot-attributes:project_id': s.tenantId,
  };
  if (atLeast(mv, '3.14')) body.group_snapshot_id = null;
  if (atLeast(mv, '3.41')) body.user_id = s.userId;
  if (atLeast(mv, '3.65')) body.consumes_quota = true;
  return body;
}

/** os-services (`volume service list`, `cinder service-list`): the scheduler and one cinder-volume per backend. */
export function registerServices(router: Router, ctx: SandboxContext, base: string, route: RouteOf): void {
  router.get(
    `${base}/:project/os-services`,
    route((call, mv) => {
      if (!isAdmin(call.token)) return osError('cinder', 403, "Policy doesn't allow volume_extension:services:index to be performed.");
      const q = call.req.query;
      const services = volumeServices(ctx, mv).filter(
        (s) => (q.get('host') === null || s.host === q.get('host')) && (q.get('binary') === null || s.binary === q.get('binary')),
      );
      return json(200, { services });
    }),
  );
}

/** The services behind the volumes' hosts ("sandbox-volume1@cloudbyte#POOL1" -> cinder-volume on "sandbox-volume1@cloudbyte"). */
export function volumeServices(ctx: SandboxContext, mv: Microversion): Array<Record<string, unknown>> {
  const backends = [...new Set(ctx.state.cinder.volumes.map((v) => v.host.split('#')[0]!))].sort();
  const controllers = [...new Set(backends.map((b) => b.split('@')[0]!))];
  const heartbeat = dbStamp();
  const service = (binary: string, host: string): Record<string, unknown> => {
    const body: Record<string, unknown> = {
      binary,
      host,
      zone: 'nova',
      status: 'enabled',
      state: 'up',
      updated_at: heartbeat,
      disabled_reason: null,
    };
    if (atLeast(mv, '3.7')) body.cluster = null;
    if (binary === 'cinder-volume') {
      Object.assign(body, { replication_status: 'disabled', active_backend_id: null, frozen: false });
      if (atLeast(mv, '3.49')) body.backend_state = 'up';
    }
    return body;
  };
  return [...controllers.map((h) => service('cinder-scheduler', h)), ...backends.map((b) => service('cinder-volume', b))];
}
