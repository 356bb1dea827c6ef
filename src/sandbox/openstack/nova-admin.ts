import type { Handler, Router, SandboxResponse } from '../router.js';
import type { SandboxContext } from '../context.js';
import type { SandboxServer } from '../state.js';
import { json, osError, type OsCall } from './http.js';
import { atLeast, type Microversion } from './microversion.js';
import { actionDetailView, actionView, instanceActions } from './nova-actions.js';
import { computeHosts, hypervisorDetail, hypervisorId, hypervisorSummary } from './nova-hypervisors.js';
import { isAdmin } from './nova-list.js';

type NovaHandler = (call: OsCall, v: Microversion) => SandboxResponse | Promise<SandboxResponse>;

export interface NovaRouteKit {
  route: (handler: NovaHandler) => Handler;
  findServer: (call: OsCall, id: string) => SandboxServer | undefined;
  base: string;
}

const FORBIDDEN = (rule: string) => osError('nova', 403, `Policy doesn't allow ${rule} to be performed.`);

/** os-hypervisors (list, detail, show) from the sandbox's compute hosts; admin only, as Nova's default policy. */
export function registerHypervisors(router: Router, ctx: SandboxContext, kit: NovaRouteKit): void {
  const list =
    (detail: boolean): NovaHandler =>
    ({ req, token }, v) => {
      if (!isAdmin(token)) return FORBIDDEN(`os_compute_api:os-hypervisors:${detail ? 'detail' : 'list'}`);
      const pattern = req.query.get('hypervisor_hostname_pattern');
      const hosts = computeHosts(ctx).filter((h) => pattern === null || h.includes(pattern));
      return json(200, { hypervisors: hosts.map((h) => (detail ? hypervisorDetail(ctx, h, v) : hypervisorSummary(ctx, h, v))) });
    };
  router.get(`${kit.base}/os-hypervisors`, kit.route(list(false)));
  router.get(`${kit.base}/os-hypervisors/detail`, kit.route(list(true)));
  router.get(
    `${kit.base}/os-hypervisors/:id`,
    kit.route(({ req, token }, v) => {
      if (!isAdmin(token)) return FORBIDDEN('os_compute_api:os-hypervisors:show');
      const id = req.params['id']!;
      const host = computeHosts(ctx).find((h) => String(hypervisorId(ctx, h, v)) === id);
      return host ? json(200, { hypervisor: hypervisorDetail(ctx, host, v) }) : osError('nova', 404, `Hypervisor with ID ${id} could not be found.`);
    }),
  );
}

/** os-instance-actions: a server's create and every os-stop/os-start, newest first (2.58 filters and paging). */
export function registerInstanceActions(router: Router, ctx: SandboxContext, kit: NovaRouteKit): void {
  router.get(
    `${kit.base}/servers/:id/os-instance-actions`,
    kit.route((call, v) => {
      const server = kit.findServer(call, call.req.params['id']!);
      if (!server) return osError('nova', 404, `Instance ${call.req.params['id']} could not be found.`);
      let actions = instanceActions(ctx, server);
      if (atLeast(v, '2.58')) {
        const q = call.req.query;
        const since = q.get('changes-since');
        const before = q.get('changes-before');
        if (since) actions = actions.filter((a) => a.updatedAt >= stamp(since));
        if (before) actions = actions.filter((a) => a.updatedAt <= stamp(before));
        const marker = q.get('marker');
        if (marker) {
          const at = actions.findIndex((a) => a.requestId === marker);
          if (at < 0) return osError('nova', 404, `Marker ${marker} could not be found.`);
          actions = actions.slice(at + 1);
        }
        const limit = q.get('limit');
        if (limit !== null) actions = actions.slice(0, Math.max(0, Number(limit) || 0));
      }
      return json(200, { instanceActions: actions.map((a) => actionView(a, v)) });
    }),
  );
  router.get(
    `${kit.base}/servers/:id/os-instance-actions/:requestId`,
    kit.route((call, v) => {
      const server = kit.findServer(call, call.req.params['id']!);
      if (!server) return osError('nova', 404, `Instance ${call.req.params['id']} could not be found.`);
      const action = instanceActions(ctx, server).find((a) => a.requestId === call.req.params['requestId']);
      if (!action) return osError('nova', 404, `Action for request_id ${call.req.params['requestId']} on instance ${server.id} not found`);
      return json(200, { instanceAction: actionDetailView(action, v, isAdmin(call.token)) });
    }),
  );
}

/** An ISO time from a query ("2026-11-01T08:00:00Z", with or without zone) in the stored form. */
function stamp(text: string): string {
  return text.replace(/Z$|[+-]\d\d:\d\d$/, '').replace(' ', 'T');
}
