import type { SandboxContext } from '../context.js';
import type { KeystoneState } from '../state.js';
import { findToken, type IssuedToken } from './tokens.js';

type User = KeystoneState['users'][number];
type Project = KeystoneState['projects'][number];

/** Why an authentication request was refused: 400 malformed, 401 bad credentials, 501 unsupported. */
export class AuthFailure extends Error {
  constructor(
    readonly status: 400 | 401 | 501,
    message: string,
  ) {
    super(message);
  }
}

export interface AuthOutcome {
  methods: string[];
  user: User;
  project: Project | undefined;
  applicationCredentialId?: string;
}

type Json = Record<string, unknown>;

function obj(v: unknown): Json | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** Resolves `POST /v3/auth/tokens` to a user and a project, as Keystone does for the methods the sandbox knows. */
export function authenticate(ctx: SandboxContext, body: unknown): AuthOutcome {
  const auth = obj(obj(body)?.['auth']);
  const identity = obj(auth?.['identity']);
  const methods = identity?.['methods'];
  if (!auth || !identity || !Array.isArray(methods) || methods.length === 0) {
    throw new AuthFailure(400, "Invalid input for field 'identity': 'methods' is a required property");
  }
  const ks = ctx.state.keystone;
  const method = String(methods[0]);
  if (method === 'application_credential') return byApplicationCredential(ks, obj(identity['application_credential']));
  let user: User;
  let used = [method];
  if (method === 'password') {
    user = byPassword(ks, obj(obj(identity['password'])?.['user']));
  } else if (method === 'token') {
    const previous = byToken(ctx, obj(identity['token']));
    user = previous.user;
    used = ['token', ...previous.methods.filter((m) => m !== 'token')];
  } else {
    throw new AuthFailure(401, 'Attempted to authenticate with an unsupported method.');
  }
  const project = resolveScope(ks, obj(auth['scope']), user);
  return { methods: used, user, project };
}

function byPassword(ks: KeystoneState, user: Json | undefined): User {
  if (!user) throw new AuthFailure(400, "Invalid input for field 'identity/password/user': None is not of type 'object'");
  const password = str(user['password']);
  const found = findUser(ks, user);
  if (!found || password === undefined || found.password !== password) throw unauthorized();
  return found;
}

function byToken(ctx: SandboxContext, token: Json | undefined): { user: User; methods: string[] } {
  const existing: IssuedToken | undefined = findToken(ctx, str(token?.['id']));
  const user = existing && ctx.state.keystone.users.find((u) => u.id === existing.userId);
  if (!existing || !user) throw unauthorized();
  return { user, methods: existing.methods };
}

function byApplicationCredential(ks: KeystoneState, cred: Json | undefined): AuthOutcome {
  const secret = str(cred?.['secret']);
  const id = str(cred?.['id']);
  const name = str(cred?.['name']);
  const owner = cred?.['user'] ? findUser(ks, obj(cred['user'])) : undefined;
  const found = ks.applicationCredentials.find((c) => (id ? c.id === id : c.name === name && c.userId === owner?.id));
  if (!found || found.secret !== secret) throw unauthorized();
  const user = ks.users.find((u) => u.id === found.userId);
  const project = ks.projects.find((p) => p.id === found.projectId);
  if (!user || !project) throw unauthorized();
  return { methods: ['application_credential'], user, project, applicationCredentialId: found.id };
}

function findUser(ks: KeystoneState, user: Json | undefined): User | undefined {
  if (!user) return undefined;
  const id = str(user['id']);
  if (id) return ks.users.find((u) => u.id === id);
  const domainId = findDomainId(ks, obj(user['domain']));
  return ks.users.find((u) => u.name === str(user['name']) && u.domainId === domainId);
}

function findDomainId(ks: KeystoneState, domain: Json | undefined): string | undefined {
  if (!domain) return undefined;
  const id = str(domain['id']);
  if (id) return ks.domains.find((d) => d.id === id)?.id;
  return ks.domains.find((d) => d.name === str(domain['name']))?.id;
}

/** A project scope by id or name+domain; no scope falls back to the user's default project, as Keystone does. */
function resolveScope(ks: KeystoneState, scope: Json | undefined, user: User): Project | undefined {
  if (!scope) return ks.projects.find((p) => p.id === user.defaultProjectId);
  const project = obj(scope['project']);
  if (!project) throw new AuthFailure(501, 'only project-scoped tokens are implemented in the ccsnap sandbox');
  const id = str(project['id']);
  const found = id
    ? ks.projects.find((p) => p.id === id)
    : ks.projects.find((p) => p.name === str(project['name']) && p.domainId === findDomainId(ks, obj(project['domain'])));
  if (!found) throw unauthorized();
  return found;
}

function unauthorized(): AuthFailure {
  return new AuthFailure(401, 'The request you have made requires authentication.');
}
