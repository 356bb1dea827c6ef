import { SANDBOX_CLOUD_NAME, sandboxCcsnapConfig, sandboxCloudEntry } from '../sandbox-entry.js';

/** YAML text of a clouds.yaml file containing only the sandbox entry. */
export async function cloudsYamlText(url: string): Promise<string> {
  const { stringify } = await import('yaml');
  return stringify({ clouds: { [SANDBOX_CLOUD_NAME]: sandboxCloudEntry(url) } });
}

export async function ccsnapConfigText(url: string): Promise<string> {
  const { stringify } = await import('yaml');
  return stringify({ clouds: { [SANDBOX_CLOUD_NAME]: sandboxCcsnapConfig(url) } });
}
