import type { Router, SandboxRequest, SandboxResponse } from '../router.js';
import type { SandboxContext, SandboxPlugin } from '../context.js';
import { guard, json, notImplemented, osError, registerFallback, type OsCall, type GuardOptions } from './http.js';
import { COMPUTE_VERSIONS, negotiate, versionHeaders, type Microversion } from './microversion.js';
import {
  attachedVolumes,
  attachmentsByServer,
  computeUrl,
  flavorDetail,
  flavorSummary,
  serverDetail,
  serverSummary,
  volumeAttachmentView,
} from './nova-views.js';
import { filterServers, isAdmin, ListParamError, paginate, sortNewestFirst } from './nova-list.js';
import { beginPowerAction, isPowerAction, powerConflict } from './nova-power.js';
import { recordInstanceAction } from './nova-actions.js';
import { registerHypervisors, registerInstanceActions, type NovaRouteKit } from './nova-admin.js';
import { newUuid } from '../ids.js';

const PREFIX = '/compute';
const V21 = `${PREFIX}/v2.1`;

type NovaHandler = (call: OsCall, v: Microversion) => SandboxResponse | Promise<SandboxResponse>;

/** A Nova route: faults, token, microversion negotiation, and the echoed version headers on every answer. */
function novaRoute(ctx: SandboxContext, handler: NovaHandler, options: GuardOptions = {}) {
  return guard(
    ctx,
    'nova',
    async (call) => {
      const negotiated = negotiate(call.req, COMPUTE_VERSIONS);
      if ('error' in negotiated) return osError('nova', 406, negotiated.error);
      const res = await handler(call, negotiated.version);
      res.headers = { ...res.headers, ...versionHeaders(COMPUTE_VERSIONS, negotiated.version) };
      return res;
    },
    options,
  );
}

function v21Doc(ctx: SandboxContext): Record<string, unknown> {
  return {
    id: 'v2.1',
    status: 'CURRENT',
    version: COMPUTE_VERSIONS.max,
    min_version: COMPUTE_VERSIONS.min,
    updated: '2013-07-23T11:33:21Z',
    links: [
      { rel: 'self', href: `${computeUrl(ctx)}/` },
      { rel: 'describedby', type: 'text/html', href: 'http://docs.openstack.org/' },
    ],
    'media-types': [{ base: 'application/json', type: 'application/vnd.openstack.compute+json;version=2.1' }],
  };
}

function registerVersions(router: Router, ctx: SandboxContext): void {
  router.get(
    PREFIX,
    novaRoute(
      ctx,
      () =>
        json(200, {
          versions: [
            {
              id: 'v2.0',
              status: 'SUPPORTED',
              version: '',
              min_version: '',
              updated: '2011-01-21T11:33:21Z',
              links: [{ rel: 'self', href: `${ctx.baseUrl}${PREFIX}/v2/` }],
            },
            v21Doc(ctx),
          ],
        }),
      { auth: false },
    ),
  );
  router.get(
    V21,
    novaRoute(ctx, () => json(200, { version: v21Doc(ctx) }), { auth: false }),
  );
}

function findServer(ctx: SandboxContext, call: OsCall, id: string) {
  const server = ctx.state.nova.servers.find((s) => s.id === id);
  if (!server) return undefined;
  return isAdmin(call.token) || server.tenantId === call.token?.projectId ? server : undefined;
}

function serverNotFound(id: string): SandboxResponse {
  return osError('nova', 404, `Instance ${id} could not be found.`);
}

function listServers(ctx: SandboxContext, detail: boolean): NovaHandler {
  return ({ req, token }, v) => {
    const matching = sortNewestFirst(filterServers(ctx, token, req.query), (s) => s.created);
    try {
      const page = paginate(matching, req.query);
      const attached = detail ? attachmentsByServer(ctx, new Set(page.items.map((s) => s.id))) : undefined;
      const body: Record<string, unknown> = {
        servers: page.items.map((s) => (detail ? serverDetail(ctx, s, v, attached) : serverSummary(ctx, s))),
      };
      if (page.nextQuery) {
        body['servers_links'] = [{ rel: 'next', href: `${computeUrl(ctx)}/servers${detail ? '/detail' : ''}?${page.nextQuery}` }];
      }
      return json(200, body);
    } catch (err) {
      if (err instanceof ListParamError) return osError('nova', 400, err.message);
      throw err;
    }
  };
}

function registerServers(router: Router, ctx: SandboxContext): void {
  router.get(`${V21}/servers`, novaRoute(ctx, listServers(ctx, false)));
  router.get(`${V21}/servers/detail`, novaRoute(ctx, listServers(ctx, true)));
  router.get(
    `${V21}/servers/:id`,
    novaRoute(ctx, (call, v) => {
      const server = findServer(ctx, call, call.req.params['id']!);
      return server ? json(200, { server: serverDetail(ctx, server, v) }) : serverNotFound(call.req.params['id']!);
    }),
  );
  router.post(
    `${V21}/servers/:id/action`,
    novaRoute(ctx, (call) => serverAction(ctx, call), { faultKey: actionFaultKey }),
  );
  router.get(
    `${V21}/servers/:id/os-volume_attachments`,
    novaRoute(ctx, (call, v) => {
      const server = findServer(ctx, call, call.req.params['id']!);
      if (!server) return serverNotFound(call.req.params['id']!);
      const attachments = attachedVolumes(ctx, server.id).map((a) => volumeAttachmentView(server.id, a, v));
      return json(200, { volumeAttachments: attachments });
    }),
  );
  router.get(
    `${V21}/servers/:id/os-volume_attachments/:volumeId`,
    novaRoute(ctx, (call, v) => {
      const server = findServer(ctx, call, call.req.params['id']!);
      if (!server) return serverNotFound(call.req.params['id']!);
      const volumeId = call.req.params['volumeId']!;
      const attachment = attachedVolumes(ctx, server.id).find((a) => a.volumeId === volumeId);
      if (!attachment) return osError('nova', 404, `Volume ${volumeId} is not attached to the instance ${server.id}`);
      return json(200, { volumeAttachment: volumeAttachmentView(server.id, attachment, v) });
    }),
  );
}

/** Faults for actions are keyed by the action name (e.g. "os-stop") with the server id as target. */
function actionFaultKey(req: SandboxRequest): { key: string; target?: string } {
  const body = req.body;
  const action = body && typeof body === 'object' ? Object.keys(body)[0] : undefined;
  return { key: action ?? req.path, target: req.params['id'] ?? '' };
}

function serverAction(ctx: SandboxContext, call: OsCall): SandboxResponse {
  const body = call.req.body;
  const keys = body && typeof body === 'object' && !Array.isArray(body) ? Object.keys(body) : [];
  if (keys.length !== 1) return osError('nova', 400, 'Malformed request body');
  const action = keys[0]!;
  const server = findServer(ctx, call, call.req.params['id']!);
  if (!server) return serverNotFound(call.req.params['id']!);
  if (!isPowerAction(action)) return notImplemented('nova', { ...call.req, path: `${call.req.path} (${action})` });
  const conflict = powerConflict(server, action);
  if (conflict) return { ...osError('nova', 409, conflict), command: action };
  // Like Nova: the API records the instance action under its request id (server event list shows it).
  const requestId = `req-${newUuid()}`;
  recordInstanceAction(ctx, server, action === 'os-stop' ? 'stop' : 'start', requestId, {
    userId: call.token?.userId ?? '',
    projectId: call.token?.projectId ?? server.tenantId,
  });
  beginPowerAction(ctx, server, action);
  return { status: 202, command: action, headers: { 'x-openstack-request-id': requestId, 'x-compute-request-id': requestId } };
}

function registerFlavors(router: Router, ctx: SandboxContext): void {
  router.get(
    `${V21}/flavors`,
    novaRoute(ctx, (_call, v) => json(200, { flavors: ctx.state.nova.flavors.map((f) => flavorSummary(ctx, f, v)) })),
  );
  router.get(
    `${V21}/flavors/detail`,
    novaRoute(ctx, (_call, v) => json(200, { flavors: ctx.state.nova.flavors.map((f) => flavorDetail(ctx, f, v)) })),
  );
  router.get(
    `${V21}/flavors/:id`,
    novaRoute(ctx, ({ req }, v) => {
      const flavor = ctx.state.nova.flavors.find((f) => f.id === req.params['id']);
      return flavor ? json(200, { flavor: flavorDetail(ctx, flavor, v) }) : osError('nova', 404, `Flavor ${req.params['id']} could not be found.`);
    }),
  );
  router.get(
    `${V21}/flavors/:id/os-extra_specs`,
    novaRoute(ctx, ({ req }) => {
      const flavor = ctx.state.nova.flavors.find((f) => f.id === req.params['id']);
      return flavor ? json(200, { extra_specs: {} }) : osError('nova', 404, `Flavor ${req.params['id']} could not be found.`);
    }),
  );
}

const KNOWN = /^\/v2(\.1)?\/(servers|flavors|images|limits|extensions|os-[a-z-]+|servers\/[^/]+\/[a-z-]+)(\/|$)/;

/** Nova v2.1: versions, servers (list, detail, show, os-stop/os-start, volume attachments, instance actions), flavors, hypervisors. */
export const novaPlugin: SandboxPlugin = {
  name: 'nova',
  prefixes: [PREFIX],
  register(router, ctx) {
    registerVersions(router, ctx);
    registerServers(router, ctx);
    registerFlavors(router, ctx);
    const kit: NovaRouteKit = { route: (h) => novaRoute(ctx, h), findServer: (call, id) => findServer(ctx, call, id), base: V21 };
    registerHypervisors(router, ctx, kit);
    registerInstanceActions(router, ctx, kit);
    registerFallback(router, ctx, 'nova', PREFIX, KNOWN);
  },
};
