import type { HypervisorConfig } from '../hypervisor/index.js';
import type { CloudConfig } from '../openstack/index.js';
import { SANDBOX_API_KEY, SANDBOX_PASSWORD, SANDBOX_PROJECT, SANDBOX_USER } from '../sandbox/seed.js';
import { sandboxUriTemplate, sandboxVirshPath } from '../sandbox/hypervisor/helpers.js';

/**
 * How ccsnap is configured for a sandbox at `url`: the clouds.yaml entry, the resolved cloud, the ccsnap
 * config and its environment. Glue: it knows both the emulator (its seed credentials, its virsh program)
 * and ccsnap's config schema, so it lives outside src/sandbox/ (which imports nothing from ccsnap).
 */
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

/** The resolved cloud for the sandbox at `url` (what resolveCloud makes of sandboxCloudEntry). */
export function sandboxCloud(url: string): CloudConfig {
  return {
    name: SANDBOX_CLOUD_NAME,
    authType: 'password',
    auth: {
      authUrl: `${url}/identity/v3`,
      username: SANDBOX_USER,
      password: SANDBOX_PASSWORD,
      projectName: SANDBOX_PROJECT,
      userDomainName: 'Default',
      projectDomainName: 'Default',
    },
    regionName: SANDBOX_REGION,
    interface: 'public',
    insecure: false,
    raw: {},
  };
}

/** A HypervisorConfig that drives the sandbox through the production virsh driver (bin/sandbox-virsh.js). */
export function sandboxHypervisorConfig(sandboxUrl: string, overrides: Partial<HypervisorConfig> = {}): HypervisorConfig {
  return {
    uriTemplate: sandboxUriTemplate(sandboxUrl),
    virsh: sandboxVirshPath(),
    agentTimeoutSec: 2,
    commandTimeoutMs: 10_000,
    session: 'persistent',
    ...overrides,
  };
}

/**
 * The ccsnap config (src/config.ts schema) for the sandbox at `url`: one array at /client/api with
 * the given rollback semantics, and the sandbox's virsh-compatible program as the hypervisor.
 */
export function sandboxCcsnapConfig(url: string, rollbackPolicy = 'newest-only'): Record<string, unknown> {
  const hv = sandboxHypervisorConfig(url);
  return {
    arrays: [{ name: 'sandbox', url: `${url}/client/api`, api_key_env: SANDBOX_API_KEY_ENV, volume_rule: { type_prefix: 'cb-' }, rollback: rollbackPolicy }],
    hypervisor: {
      uri: hv.uriTemplate,
      virsh: hv.virsh,
      session: hv.session,
      agent_timeout: `${hv.agentTimeoutSec}s`,
      command_timeout: `${hv.commandTimeoutMs}ms`,
    },
  };
}

/** Environment the sandbox config refers to (the array key is not a secret in the sandbox). */
export function sandboxEnv(): Record<string, string> {
  return { [SANDBOX_API_KEY_ENV]: SANDBOX_API_KEY };
}
