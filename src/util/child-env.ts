/**
 * The environment handed to child processes (virsh, the watchdog): ccsnap's own, minus secrets. The
 * array key variables named by `api_key_env` are registered when the array config is loaded; variables
 * that look like credentials are dropped as well. Children get what they need through their arguments
 * or explicit extra variables.
 */
const registered = new Set<string>();
const SECRET_NAME = /(^OS_(PASSWORD|TOKEN|APPLICATION_CREDENTIAL_SECRET|AUTH_TOKEN)$)|(_API_KEY|_APIKEY|_PASSWORD|_SECRET|_TOKEN)$/i;

/** Marks an environment variable as a secret that no child process may inherit. */
export function registerSecretEnvName(name: string): void {
  registered.add(name);
}

/** process.env without secrets, plus `extra`. */
export function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (value === undefined || registered.has(name) || SECRET_NAME.test(name)) continue;
    env[name] = value;
  }
  return { ...env, ...extra };
}
