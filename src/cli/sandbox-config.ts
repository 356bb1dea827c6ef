import { SANDBOX_API_KEY, SANDBOX_PASSWORD, SANDBOX_PROJECT, SANDBOX_USER } from '../sandbox/seed.js';
import { sandboxHypervisorConfig } from '../sandbox/hypervisor/helpers.js';

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
 * The ccsnap config (src/config.ts schema) for the sandbox at `url`: one array at /client/api with
 * ZFS-like rollback semantics, and the sandbox's virsh-compatible program as the hypervisor.
 */
export function sandboxCcsnapConfig(url: string, rollbackPolicy = 'newest-only'): Record<string, unknown> {
  const hv = sandboxHypervisorConfig(url);
  return {
    arrays: [{ name: 'sandbox', url: `${url}/client/api`, api_key_env: SANDBOX_API_KEY_ENV, volume_rule: { type_prefix: 'cb-' }, rollback: rollbackPolicy }],
    hypervisor: { uri: hv.uriTemplate, virsh: hv.virsh, session: hv.session, agent_timeout: `${hv.agentTimeoutSec}s`, command_timeout: `${hv.commandTimeoutMs}ms` },
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
  return stringify({ clouds: { [SANDBOX_CLOUD_NAME]: sandboxCcsnapConfig(url) } });
}
