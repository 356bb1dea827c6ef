import { SANDBOX_API_KEY, SANDBOX_PASSWORD, SANDBOX_PROJECT, SANDBOX_USER } from '../sandbox/seed.js';

export const SANDBOX_CLOUD_NAME = 'ccsnap-sandbox';
export const SANDBOX_REGION = 'RegionOne';
/** Environment variable the sandbox ccsnap config names for the array API key. */
export const SANDBOX_API_KEY_ENV = 'CCSNAP_ARRAY_API_KEY';

/** A clouds.yaml `clouds.<name>` entry for the sandbox at `url` (same shape as os-client-config). */
export function sandboxCloudEntry(url: string): Record<string, unknown> {
  return {
    auth: {
      auth_url: `${url}/identity/v3`,
      username: SANDBOX_USER,
      password: SANDBOX_PASSWORD,
      project_name: SANDBOX_PROJECT,
      user_domain_name: 'Default',
      project_domain_name: 'Default',
    },
    region_name: SANDBOX_REGION,
    interface: 'public',
    identity_api_version: 3,
  };
}

/**
 * The ccsnap config for the sandbox at `url`.
 * TODO(lead): align with the real config schema in src/config.ts (key names, hypervisor URI template).
 */
export function sandboxCcsnapConfig(url: string): Record<string, unknown> {
  return {
    array: {
      url: `${url}/client/api`,
      api_key_env: SANDBOX_API_KEY_ENV,
    },
    hypervisor: {
      uri_template: `${url}/hypervisor/{host}`,
    },
  };
}

/** Environment a shell needs to use the sandbox config (the array key is not a secret in the sandbox). */
export function sandboxEnv(): Record<string, string> {
  return { [SANDBOX_API_KEY_ENV]: SANDBOX_API_KEY };
}

/** YAML text of a clouds.yaml file containing only the sandbox entry. */
export async function cloudsYamlText(url: string): Promise<string> {
  const { stringify } = await import('yaml');
  return stringify({ clouds: { [SANDBOX_CLOUD_NAME]: sandboxCloudEntry(url) } });
}

export async function ccsnapConfigText(url: string): Promise<string> {
  const { stringify } = await import('yaml');
  return stringify(sandboxCcsnapConfig(url));
}
