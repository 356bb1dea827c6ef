import type { Router } from '../router.js';
import type { SandboxContext } from '../context.js';
import type { KeystoneState } from '../state.js';
import { guard, json, osError } from './http.js';
import { isAdmin } from './nova-list.js';

type Project = KeystoneState['projects'][number];

/** Keystone v3 projects (`openstack project list` / `project show`): list needs admin, as Keystone's default policy. */
export function registerProjects(router: Router, ctx: SandboxContext, prefix: string): void {
  // ctx.baseUrl is known once the server listens: read it per request.
  const projectsUrl = (): string => `${ctx.baseUrl}${prefix}/v3/projects`;
  const view = (p: Project): Record<string, unknown> => ({
    id: p.id,
    name: p.name,
    domain_id: p.domainId,
    description: '',
    enabled: true,
    parent_id: p.domainId,
    is_domain: false,
    tags: [],
    options: {},
    links: { self: `${projectsUrl()}/${p.id}` },
  });
  router.get(
    `${prefix}/v3/projects`,
    guard(ctx, 'keystone', ({ req, token }) => {
      if (!isAdmin(token)) return osError('keystone', 403, 'You are not authorized to perform the requested action: identity:list_projects.');
      const q = req.query;
      const projects = ctx.state.keystone.projects.filter(
        (p) => (q.get('name') === null || p.name === q.get('name')) && (q.get('domain_id') === null || p.domainId === q.get('domain_id')),
      );
      const self = `${projectsUrl()}${q.toString() ? `?${q.toString()}` : ''}`;
      return json(200, { projects: projects.map(view), links: { self, previous: null, next: null } });
    }),
  );
  router.get(
    `${prefix}/v3/projects/:id`,
    guard(ctx, 'keystone', ({ req, token }) => {
      const id = req.params['id']!;
      const project = ctx.state.keystone.projects.find((p) => p.id === id);
      if (!project || !(isAdmin(token) || token?.projectId === id)) return osError('keystone', 404, `Could not find project: ${id}.`);
      return json(200, { project: view(project) });
    }),
  );
}
