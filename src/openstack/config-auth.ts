import { CcsnapError } from '../errors.js';
import { AUTH_TYPES, type AuthType, type CloudAuth } from './config-types.js';
import { isDict, type Dict } from './config-files.js';

const AUTH_KEYS: Record<keyof CloudAuth, string> = {
  authUrl: 'auth_url',
  username: 'username',
  userId: 'user_id',
  password: 'password',
  projectName: 'project_name',
  projectId: 'project_id',
  userDomainName: 'user_domain_name',
  userDomainId: 'user_domain_id',
  projectDomainName: 'project_domain_name',
  projectDomainId: 'project_domain_id',
  domainName: 'domain_name',
  domainId: 'domain_id',
  defaultDomain: 'default_domain',
  applicationCredentialId: 'application_credential_id',
  applicationCredentialName: 'application_credential_name',
  applicationCredentialSecret: 'application_credential_secret',
  token: 'token',
};

/** Reads the snake_case `auth` mapping (plus a top-level default_domain) into CloudAuth. */
export function readAuth(entry: Dict): CloudAuth {
  const auth = isDict(entry.auth) ? entry.auth : {};
  const out: Partial<CloudAuth> = {};
  for (const [prop, key] of Object.entries(AUTH_KEYS) as Array<[keyof CloudAuth, string]>) {
    const value = auth[key] ?? (key === 'default_domain' ? entry.default_domain : undefined);
    if (value !== undefined && value !== null && value !== '') out[prop] = String(value);
  }
  return { authUrl: '', ...out };
}

/** Normalizes auth_type, inferring it from the credentials when absent. */
export function readAuthType(entry: Dict, auth: CloudAuth, cloudName: string): AuthType {
  const given = entry.auth_type;
  if (given === undefined || given === null || given === '') {
    if (auth.applicationCredentialSecret && !auth.password) return 'v3applicationcredential';
    if (auth.token && !auth.password) return 'token';
    return 'password';
  }
  const type = String(given).trim().toLowerCase();
  if ((AUTH_TYPES as readonly string[]).includes(type)) return type as AuthType;
  throw new CcsnapError('CCSNAP_CONFIG_INVALID', `cloud "${cloudName}": unsupported auth_type "${type}" (supported: ${AUTH_TYPES.join(', ')})`, {
    details: { cloud: cloudName, authType: type, supported: [...AUTH_TYPES] },
  });
}

/** Lists what is missing for this auth type; empty when the credentials are complete. */
export function findMissingAuth(type: AuthType, auth: CloudAuth): string[] {
  const missing: string[] = [];
  if (!auth.authUrl) missing.push('auth_url (OS_AUTH_URL)');
  if (type === 'password' || type === 'v3password') {
    if (!auth.username && !auth.userId) missing.push('username or user_id (OS_USERNAME / OS_USER_ID)');
    if (!auth.password) missing.push('password (OS_PASSWORD)');
    if (auth.username && !auth.userId && !auth.userDomainName && !auth.userDomainId && !auth.defaultDomain) {
      missing.push('user_domain_name or user_domain_id (OS_USER_DOMAIN_NAME / OS_USER_DOMAIN_ID)');
    }
  } else if (type === 'token' || type === 'v3token') {
    if (!auth.token) missing.push('token (OS_TOKEN)');
  } else {
    if (!auth.applicationCredentialSecret) missing.push('application_credential_secret (OS_APPLICATION_CREDENTIAL_SECRET)');
    if (!auth.applicationCredentialId) {
      if (!auth.applicationCredentialName) missing.push('application_credential_id or application_credential_name');
      else if (!auth.userId && !auth.username) missing.push('user_id or username (needed with application_credential_name)');
    }
  }
  return missing;
}
