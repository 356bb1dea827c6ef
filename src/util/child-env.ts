/**
 * The environment for child processes ccsnap starts (the thaw watchdog, virsh): the parent's, minus
 * every secret a child does not need: the variables configured arrays read their API key from
 * (`api_key_env`, registered by the config loader), and anything that looks like a key, password,
 * secret or token (OS_PASSWORD, OS_TOKEN, OS_APPLICATION_CREDENTIAL_SECRET, *_API_KEY, ...).
 */
const SECRET_NAME = /(_API_KEY|_ACCESS_KEY|_SECRET_KEY|_PASSWORD|_PASSWD|_SECRET|_TOKEN)$/i;
const SECRET_NAMES = new Set(['OS_PASSWORD', 'OS_TOKEN', 'OS_AUTH_TOKEN', 'OS_APPLICATION_CREDENTIAL_SECRET']);

const registered = new Set<string>();

/** Records that `name` holds an array API key (called for every configured `api_key_env`). */
export function registerSecretEnv(name: string): void {
  registered.add(name);
}

/** True when a child process must not inherit the variable `name`. */
export function isSecretEnvName(name: string): boolean {
  return registered.has(name) || SECRET_NAMES.has(name.toUpperCase()) || SECRET_NAME.test(name);
}

/** process.env without the secrets, plus `extra` (given by the caller on purpose, so kept as is). */
export function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (value !== undefined && !isSecretEnvName(name)) env[name] = value;
  }
  return { ...env, ...extra };
}
