import type { Router } from '../router.js';
import type { SandboxContext, SandboxPlugin } from '../context.js';
import { stableHexId } from '../ids.js';
import { guard, headerOf, json, osError, registerFallback } from './http.js';
import { authenticate, AuthFailure } from './keystone-auth.js';
import { buildCatalog } from './catalog.js';
import { registerProjects } from './keystone-projects.js';
import { findToken, issueToken, keystoneTime, revokeToken, type IssuedToken } from './tokens.js';

const PREFIX = '/identity';

function versionDoc(ctx: SandboxContext): Record<string, unknown> {
  return {
    id: 'v3.14',
    status: 'stable',
    updated: '2020-04-07T00:00:00Z',
    links: [{ rel: 'self', href: `${ctx.baseUrl}${PREFIX}/v3/` }],
    'media-types': [{ base: 'application/json', type: 'application/vnd.openstack.identity-v3+json' }],
  };
}

function requestIdHeaders(): Record<string, string> {
  return { Vary: 'X-Auth-Token', 'x-openstack-request-id': `req-${crypto.randomUUID()}` };
}

/** The token body as Keystone sends it; `withCatalog` false for `?nocatalog`. */
export function tokenBody(ctx: SandboxContext, token: IssuedToken, withCatalog = true): Record<string, unknown> {
  const ks = ctx.state.keystone;
  const user = ks.users.find((u) => u.id === token.userId);
  const domainOf = (id: string | undefined) => ({ id: id ?? 'default', name: ks.domains.find((d) => d.id === id)?.name ?? 'Default' });
  const body: Record<string, unknown> = {
    methods: token.methods,
    user: { domain: domainOf(user?.domainId), id: token.userId, name: user?.name ?? '', password_expires_at: null },
    audit_ids: [token.auditId],
    expires_at: keystoneTime(token.expiresAt),
    issued_at: keystoneTime(token.issuedAt),
  };
  const project = ks.projects.find((p) => p.id === token.projectId);
  if (project) {
    body['project'] = { domain: domainOf(project.domainId), id: project.id, name: project.name };
    body['is_domain'] = false;
    body['roles'] = token.roles.map((name) => ({ id: stableHexId(`role:${name}`), name }));
    if (token.applicationCredentialId) {
      const cred = ks.applicationCredentials.find((c) => c.id === token.applicationCredentialId);
      body['application_credential'] = { id: token.applicationCredentialId, name: cred?.name ?? '', restricted: true };
    }
    if (withCatalog) body['catalog'] = buildCatalog(ctx, project.id);
  }
  return { token: body };
}

function registerTokens(router: Router, ctx: SandboxContext): void {
  router.post(
    `${PREFIX}/v3/auth/tokens`,
    guard(
      ctx,
      'keystone',
      ({ req }) => {
        try {
          const outcome = authenticate(ctx, req.body);
          const token = issueToken(ctx, {
            methods: outcome.methods,
            userId: outcome.user.id,
            projectId: outcome.project?.id,
            roles: outcome.project ? outcome.user.roles : [],
            ...(outcome.applicationCredentialId ? { applicationCredentialId: outcome.applicationCredentialId } : {}),
          });
          const withCatalog = !req.query.has('nocatalog');
          return json(201, tokenBody(ctx, token, withCatalog), { 'X-Subject-Token': token.id, ...requestIdHeaders() });
        } catch (err) {
          if (err instanceof AuthFailure) return osError('keystone', err.status, err.message);
          throw err;
        }
      },
      { auth: false },
    ),
  );

  router.get(
    `${PREFIX}/v3/auth/tokens`,
    guard(ctx, 'keystone', ({ req }) => {
      const subject = findToken(ctx, headerOf(req, 'x-subject-token'));
      if (!subject) return osError('keystone', 404, 'Could not find token.');
      const withCatalog = !req.query.has('nocatalog');
      return json(200, tokenBody(ctx, subject, withCatalog), { 'X-Subject-Token': subject.id, ...requestIdHeaders() });
    }),
  );

  router.add(
    'HEAD',
    `${PREFIX}/v3/auth/tokens`,
    guard(ctx, 'keystone', ({ req }) => {
      const subject = findToken(ctx, headerOf(req, 'x-subject-token'));
      return { status: subject ? 200 : 404 };
    }),
  );

  router.delete(
    `${PREFIX}/v3/auth/tokens`,
    guard(ctx, 'keystone', ({ req }) => {
      const id = headerOf(req, 'x-subject-token');
      if (!id || !revokeToken(ctx, id)) return osError('keystone', 404, 'Could not find token.');
      return { status: 204 };
    }),
  );
}

function registerVersions(router: Router, ctx: SandboxContext): void {
  router.get(
    PREFIX,
    guard(ctx, 'keystone', () => json(300, { versions: { values: [versionDoc(ctx)] } }, requestIdHeaders()), { auth: false }),
  );
  router.get(
    `${PREFIX}/v3`,
    guard(ctx, 'keystone', () => json(200, { version: versionDoc(ctx) }, requestIdHeaders()), { auth: false }),
  );
}

/** Keystone v3: version documents, the token API (password, token, application credential) and projects. */
export const keystonePlugin: SandboxPlugin = {
  name: 'keystone',
  prefixes: [PREFIX],
  register(router, ctx) {
    registerVersions(router, ctx);
    registerTokens(router, ctx);
    registerProjects(router, ctx, PREFIX);
    registerFallback(
      router,
      ctx,
      'keystone',
      PREFIX,
      /^\/v3\/(auth|users|projects|domains|roles|services|endpoints|regions|credentials|groups|role_assignments|system|OS-[A-Z0-9-]+)(\/|$)/,
    );
  },
};
