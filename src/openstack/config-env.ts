import type { CloudOverrides } from './config-types.js';
import type { Dict } from './config-files.js';

/** OS_* variable → key inside the cloud entry's `auth` mapping. */
const AUTH_VARS: Record<string, string> = {
  OS_AUTH_URL: 'auth_url',
  OS_USERNAME: 'username',
  OS_USER_ID: 'user_id',
  OS_PASSWORD: 'password',
  OS_PROJECT_NAME: 'project_name',
  OS_TENANT_NAME: 'project_name',
  OS_PROJECT_ID: 'project_id',
  OS_TENANT_ID: 'project_id',
  OS_USER_DOMAIN_NAME: 'user_domain_name',
  OS_USER_DOMAIN_ID: 'user_domain_id',
  OS_PROJECT_DOMAIN_NAME: 'project_domain_name',
  OS_PROJECT_DOMAIN_ID: 'project_domain_id',
  OS_DOMAIN_NAME: 'domain_name',
  OS_DOMAIN_ID: 'domain_id',
  OS_DEFAULT_DOMAIN: 'default_domain',
  OS_APPLICATION_CREDENTIAL_ID: 'application_credential_id',
  OS_APPLICATION_CREDENTIAL_NAME: 'application_credential_name',
  OS_APPLICATION_CREDENTIAL_SECRET: 'application_credential_secret',
  OS_TOKEN: 'token',
};

/** OS_* variable → top-level key of the cloud entry. */
const TOP_VARS: Record<string, string> = {
  OS_AUTH_TYPE: 'auth_type',
  OS_REGION_NAME: 'region_name',
  OS_INTERFACE: 'interface',
  OS_ENDPOINT_TYPE: 'interface',
  OS_CACERT: 'cacert',
  OS_INSECURE: 'insecure',
  OS_COMPUTE_API_VERSION: 'compute_api_version',
  OS_VOLUME_API_VERSION: 'volume_api_version',
};

/** True when the environment carries any cloud setting (OS_CLOUD excluded). */
export function hasEnvCloud(env: NodeJS.ProcessEnv): boolean {
  return Object.keys(AUTH_VARS).some((k) => env[k]) || Boolean(env.OS_AUTH_TYPE);
}

/** Builds a partial cloud entry (snake_case, like clouds.yaml) from OS_* variables. */
export function entryFromEnv(env: NodeJS.ProcessEnv): Dict {
  const auth: Dict = {};
  const top: Dict = {};
  for (const [name, key] of Object.entries(AUTH_VARS)) {
    const value = env[name];
    if (value !== undefined && value !== '' && auth[key] === undefined) auth[key] = value;
  }
  for (const [name, key] of Object.entries(TOP_VARS)) {
    const value = env[name];
    if (value !== undefined && value !== '' && top[key] === undefined) top[key] = value;
  }
  return Object.keys(auth).length > 0 ? { ...top, auth } : top;
}

/** CloudOverrides field → key inside the cloud entry's `auth` mapping (the --os-* auth flags). */
const AUTH_OVERRIDES: Array<[keyof CloudOverrides, string]> = [
  ['authUrl', 'auth_url'],
  ['username', 'username'],
  ['password', 'password'],
  ['projectName', 'project_name'],
  ['userDomainName', 'user_domain_name'],
  ['projectDomainName', 'project_domain_name'],
];

/** True when CLI flags carry any auth setting (then, like OSC, they can describe a cloud on their own). */
export function hasOverrideAuth(overrides: CloudOverrides): boolean {
  return AUTH_OVERRIDES.some(([field]) => typeof overrides[field] === 'string' && overrides[field] !== '');
}

/** Builds a partial cloud entry from explicit overrides (CLI flags). */
export function entryFromOverrides(overrides: CloudOverrides): Dict {
  const entry: Dict = {};
  const auth: Dict = {};
  for (const [field, key] of AUTH_OVERRIDES) {
    const value = overrides[field];
    if (typeof value === 'string' && value !== '') auth[key] = value;
  }
  if (Object.keys(auth).length > 0) entry.auth = auth;
  if (overrides.cacert) entry.cacert = overrides.cacert;
  if (overrides.insecure !== undefined) entry.insecure = overrides.insecure;
  if (overrides.region) entry.region_name = overrides.region;
  if (overrides.interface) entry.interface = overrides.interface;
  return entry;
}
