import { CcsnapError } from '../errors.js';
import type { CloudConfig, ResolveCloudOptions } from './config-types.js';
import { deepMerge, defaultSearchPath, isDict, loadCloudFiles, type Dict } from './config-files.js';
import { entryFromEnv, entryFromOverrides, hasEnvCloud, hasOverrideAuth } from './config-env.js';
import { findMissingAuth, readAuth, readAuthType } from './config-auth.js';

export type { AuthType, CloudAuth, CloudConfig, CloudOverrides, ResolveCloudOptions } from './config-types.js';

/**
 * Resolves a cloud the way python-openstackclient does: the named cloud from clouds.yaml
 * (secure.yaml deep-merged over it), then OS_* variables, then explicit overrides (CLI flags).
 * Without a cloud name the OS_* variables alone describe the cloud ("envvars").
 */
export function resolveCloud(opts: ResolveCloudOptions = {}): CloudConfig {
  const env = opts.env ?? process.env;
  const overrides = opts.overrides ?? {};
  const name = opts.cloud ?? overrides.cloud ?? (env.OS_CLOUD || undefined);
  const base = selectBaseEntry(name, env, opts.searchPath ?? defaultSearchPath(env), hasOverrideAuth(overrides));
  const entry = deepMerge(deepMerge(base.entry, entryFromEnv(env)), entryFromOverrides(overrides));
  return buildCloudConfig(base.name, entry);
}

/**
 * The cloud entry the OS_* variables and flags go over: the named one; without a name, none when OS_*
 * variables describe the cloud ("envvars"), else the only one in clouds.yaml, else none when --os-* auth
 * flags describe it (as OSC does).
 */
function selectBaseEntry(name: string | undefined, env: NodeJS.ProcessEnv, dirs: string[], flagAuth: boolean): { name: string; entry: Dict } {
  if (name === undefined && hasEnvCloud(env)) return { name: 'envvars', entry: {} };
  const loaded = loadCloudFiles(dirs, env);
  const known = Object.keys(loaded.clouds);
  if (name === undefined) {
    if (known.length === 1) return { name: known[0]!, entry: loaded.clouds[known[0]!]! };
    if (flagAuth) return { name: 'envvars', entry: {} };
    throw new CcsnapError(
      'CCSNAP_CONFIG_MISSING_AUTH',
      'no cloud selected: no cloud name (OS_CLOUD), no OS_AUTH_URL, and clouds.yaml does not hold exactly one cloud',
      {
        details: { knownClouds: known, files: loaded.files },
      },
    );
  }
  const entry = loaded.clouds[name];
  if (!entry) {
    const list = known.length > 0 ? known.join(', ') : 'none';
    const where = loaded.files.length > 0 ? loaded.files.join(', ') : 'no clouds.yaml found';
    throw new CcsnapError('CCSNAP_CONFIG_CLOUD_NOT_FOUND', `cloud "${name}" not found (known clouds: ${list}; ${where})`, {
      details: { cloud: name, knownClouds: known, files: loaded.files },
    });
  }
  return { name, entry };
}

function buildCloudConfig(name: string, entry: Dict): CloudConfig {
  const auth = readAuth(entry);
  const authType = readAuthType(entry, auth, name);
  const missing = findMissingAuth(authType, auth);
  if (missing.length > 0) {
    throw new CcsnapError('CCSNAP_CONFIG_MISSING_AUTH', `cloud "${name}" (${authType}) is missing ${missing.join(', ')}`, {
      details: { cloud: name, authType, missing },
    });
  }
  const tls = readTls(entry);
  const config: CloudConfig = { name, authType, auth, interface: readInterface(entry), insecure: tls.insecure, raw: entry };
  const region = readRegion(entry);
  if (region) config.regionName = region;
  if (tls.cacert) config.cacert = tls.cacert;
  const compute = readString(entry.compute_api_version);
  if (compute) config.computeApiVersion = compute;
  const volume = readString(entry.volume_api_version);
  if (volume) config.volumeApiVersion = volume;
  return config;
}

function readString(value: unknown): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  return String(value);
}

/** "publicURL" → "public", as keystoneauth accepts both. */
function readInterface(entry: Dict): string {
  const value = readString(entry.interface) ?? readString(entry.endpoint_type) ?? 'public';
  return value.toLowerCase().replace(/url$/, '');
}

function readRegion(entry: Dict): string | undefined {
  const direct = readString(entry.region_name);
  if (direct) return direct;
  const regions = entry.regions;
  if (!Array.isArray(regions) || regions.length === 0) return undefined;
  const first: unknown = regions[0];
  return isDict(first) ? readString(first.name) : readString(first);
}

/** TLS settings: `insecure` (bool or "true"), `verify: false`, `verify: /path/ca.pem`, `cacert`. */
function readTls(entry: Dict): { insecure: boolean; cacert?: string } {
  const cacert = readString(entry.cacert) ?? (typeof entry.verify === 'string' && !isBoolText(entry.verify) ? entry.verify : undefined);
  const insecure = toBool(entry.insecure) || (entry.verify !== undefined && isBoolText(String(entry.verify)) && !toBool(entry.verify));
  return cacert ? { insecure, cacert } : { insecure };
}

function isBoolText(text: string): boolean {
  return /^(true|false|yes|no|1|0)$/i.test(text.trim());
}

function toBool(value: unknown): boolean {
  if (typeof value === 'boolean') return value;
  if (value === undefined || value === null) return false;
  return /^(true|yes|1)$/i.test(String(value).trim());
}
