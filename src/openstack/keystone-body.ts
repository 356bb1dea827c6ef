import type { CloudAuth, CloudConfig } from './config-types.js';

type Ref = { id: string } | { name: string };

function domainRef(id: string | undefined, name: string | undefined): Ref | undefined {
  if (id) return { id };
  if (name) return { name };
  return undefined;
}

function userDomain(auth: CloudAuth): Ref | undefined {
  return domainRef(auth.userDomainId, auth.userDomainName) ?? domainRef(auth.defaultDomain, undefined);
}

/** `{id}` or `{name, domain}` for the user. */
export function userRef(auth: CloudAuth): Record<string, unknown> {
  if (auth.userId) return { id: auth.userId };
  const domain = userDomain(auth);
  return domain ? { name: auth.username, domain } : { name: auth.username };
}

/** Project scope (by id, or by name + domain), else domain scope, else undefined (unscoped). */
export function buildScope(auth: CloudAuth): Record<string, unknown> | undefined {
  if (auth.projectId) return { project: { id: auth.projectId } };
  if (auth.projectName) {
    const domain = domainRef(auth.projectDomainId, auth.projectDomainName) ?? domainRef(auth.defaultDomain, undefined) ?? userDomain(auth);
    return { project: domain ? { name: auth.projectName, domain } : { name: auth.projectName } };
  }
  const domain = domainRef(auth.domainId, auth.domainName);
  return domain ? { domain } : undefined;
}

/** The body of `POST /v3/auth/tokens` for the cloud's auth type. */
export function buildTokenRequest(cloud: CloudConfig): Record<string, unknown> {
  const auth = cloud.auth;
  let identity: Record<string, unknown>;
  let scope = buildScope(auth);
  switch (cloud.authType) {
    case 'v3applicationcredential': {
      const credential = auth.applicationCredentialId
        ? { id: auth.applicationCredentialId, secret: auth.applicationCredentialSecret }
        : { name: auth.applicationCredentialName, secret: auth.applicationCredentialSecret, user: userRef(auth) };
      identity = { methods: ['application_credential'], application_credential: credential };
      scope = undefined; // an application credential carries its own project scope
      break;
    }
    case 'token':
    case 'v3token':
      identity = { methods: ['token'], token: { id: auth.token } };
      break;
    default:
      identity = { methods: ['password'], password: { user: { ...userRef(auth), password: auth.password } } };
  }
  return { auth: scope ? { identity, scope } : { identity } };
}

/** Who is authenticating, for messages: never a secret. */
export function describePrincipal(cloud: CloudConfig): string {
  const auth = cloud.auth;
  if (cloud.authType === 'v3applicationcredential') return `application credential ${auth.applicationCredentialId ?? auth.applicationCredentialName}`;
  if (cloud.authType === 'token' || cloud.authType === 'v3token') return 'the given token';
  if (auth.userId) return `user id ${auth.userId}`;
  const domain = auth.userDomainName ?? auth.userDomainId ?? auth.defaultDomain;
  return `user ${auth.username}${domain ? ` (domain ${domain})` : ''}`;
}
