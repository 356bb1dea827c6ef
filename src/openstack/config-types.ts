/** Types of a resolved cloud, as python-openstackclient / os-client-config see it. */

export const AUTH_TYPES = ['password', 'v3password', 'v3applicationcredential', 'token', 'v3token'] as const;
export type AuthType = (typeof AUTH_TYPES)[number];

export interface CloudAuth {
  authUrl: string;
  username?: string;
  userId?: string;
  password?: string;
  projectName?: string;
  projectId?: string;
  userDomainName?: string;
  userDomainId?: string;
  projectDomainName?: string;
  projectDomainId?: string;
  domainName?: string;
  domainId?: string;
  defaultDomain?: string;
  applicationCredentialId?: string;
  applicationCredentialName?: string;
  applicationCredentialSecret?: string;
  token?: string;
}

export interface CloudConfig {
  /** Cloud name from clouds.yaml, or "envvars" when built from OS_* variables only. */
  name: string;
  authType: AuthType;
  auth: CloudAuth;
  regionName?: string;
  /** Catalog interface: public (default), internal or admin. */
  interface: string;
  cacert?: string;
  insecure: boolean;
  computeApiVersion?: string;
  volumeApiVersion?: string;
  /** The merged cloud entry (clouds.yaml + secure.yaml + env + overrides), snake_case keys. */
  raw: Record<string, unknown>;
}

/** Values from CLI flags; they win over env vars and files. */
export interface CloudOverrides {
  cloud?: string;
  authUrl?: string;
  username?: string;
  password?: string;
  projectName?: string;
  userDomainName?: string;
  projectDomainName?: string;
  cacert?: string;
  insecure?: boolean;
  region?: string;
  interface?: string;
}

export interface ResolveCloudOptions {
  cloud?: string;
  env?: NodeJS.ProcessEnv;
  overrides?: CloudOverrides;
  /** Directories searched, in order, for clouds.yaml / secure.yaml. */
  searchPath?: string[];
}
