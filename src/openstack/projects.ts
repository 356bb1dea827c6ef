import type { Session } from './session.js';

export interface Project {
  id: string;
  name: string;
}

/** GET /v3/projects (Keystone, admin): every project's id and name. */
export async function listProjects(session: Session, opts: { signal?: AbortSignal } = {}): Promise<Project[]> {
  const res = await session.request<{ projects?: Array<Record<string, unknown>> }>('identity', 'GET', '/projects', opts.signal ? { signal: opts.signal } : {});
  return (res.body.projects ?? []).filter((p) => typeof p.id === 'string').map((p) => ({ id: p.id as string, name: typeof p.name === 'string' ? p.name : '' }));
}
