import { expect } from 'vitest';

/** A project-scoped token for the sandbox's admin user, over real HTTP (POST /identity/v3/auth/tokens). */
export async function issueSandboxToken(url: string): Promise<{ token: string; projectId: string }> {
  const res = await fetch(`${url}/identity/v3/auth/tokens`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      auth: {
        identity: { methods: ['password'], password: { user: { name: 'admin', domain: { name: 'Default' }, password: 'sandbox' } } },
        scope: { project: { name: 'admin', domain: { name: 'Default' } } },
      },
    }),
  });
  expect(res.status).toBe(201);
  const body = (await res.json()) as { token: { project: { id: string } } };
  return { token: res.headers.get('x-subject-token')!, projectId: body.token.project.id };
}
