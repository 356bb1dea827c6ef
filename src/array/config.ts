import { CcsnapError, type CcsnapErrorCode } from '../errors.js';
import { registerSecretEnv } from '../util/child-env.js';
import { parseDuration } from '../util/time.js';
import { DEFAULT_ARRAY_TIMEOUT_MS } from './client.js';
import { apiKeyFromCurlData, readSecretFile, urlFromCurlConfig } from './config-files.js';
import { isObject } from './envelope.js';
import { parseVolumeRule, type VolumeRule } from './volume-rule.js';

export interface ArrayConfig {
  name: string;
  url: string;
  /** From api_key_file, api_key_env or curl_key_file; never from argv or the YAML itself. */
  apiKey: string;
  cacert?: string;
  insecure: boolean;
  timeoutMs: number;
  volumeRule: VolumeRule;
}

export interface ArrayConfigWarning {
  code: CcsnapErrorCode;
  array: string;
  message: string;
}

export interface LoadArrayConfigOptions {
  /** Environment for api_key_env; default process.env. */
  env?: Record<string, string | undefined>;
}

const KNOWN_KEYS = new Set(['name', 'url', 'api_key_file', 'api_key_env', 'cacert', 'insecure', 'timeout', 'volume_rule', 'curl_config', 'curl_key_file']);

/** Parses a cloud's `arrays:` list (already YAML-parsed) into ArrayConfig values plus warnings (never printed here). */
export async function loadArrayConfigs(value: unknown, opts: LoadArrayConfigOptions = {}): Promise<{ arrays: ArrayConfig[]; warnings: ArrayConfigWarning[] }> {
  if (value === undefined || value === null) return { arrays: [], warnings: [] };
  if (!Array.isArray(value)) throw configError('CCSNAP_ARRAY_CONFIG', '(arrays)', 'arrays must be a list');
  const warnings: ArrayConfigWarning[] = [];
  const arrays: ArrayConfig[] = [];
  for (const [i, entry] of value.entries()) {
    const cfg = await loadOne(entry, i, opts.env ?? process.env, warnings);
    if (arrays.some((a) => a.name === cfg.name)) throw configError('CCSNAP_ARRAY_CONFIG', cfg.name, `array name "${cfg.name}" is used twice`);
    arrays.push(cfg);
  }
  return { arrays, warnings };
}

async function loadOne(entry: unknown, index: number, env: Record<string, string | undefined>, warnings: ArrayConfigWarning[]): Promise<ArrayConfig> {
  if (!isObject(entry)) throw configError('CCSNAP_ARRAY_CONFIG', `arrays[${index}]`, 'each array must be a mapping');
  const name = typeof entry.name === 'string' && /^[A-Za-z0-9_.-]+$/.test(entry.name) ? entry.name : undefined;
  if (!name) throw configError('CCSNAP_ARRAY_CONFIG', `arrays[${index}]`, 'name is required (letters, digits, _ . -)');
  const warn = (code: CcsnapErrorCode, message: string): void => void warnings.push({ code, array: name, message });
  if ('api_key' in entry || 'apiKey' in entry)
    throw configError('CCSNAP_ARRAY_CONFIG_KEY', name, 'inline API keys are not accepted; use api_key_file or api_key_env');
  for (const key of Object.keys(entry)) if (!KNOWN_KEYS.has(key)) warn('CCSNAP_ARRAY_CONFIG_UNKNOWN_KEY', `array ${name}: unknown setting "${key}" ignored`);
  const url = checkUrl(name, await readUrl(name, entry), warn);
  const apiKey = await readApiKey(name, entry, env, warn);
  const insecure = entry.insecure === true;
  if (entry.insecure !== undefined && typeof entry.insecure !== 'boolean') throw configError('CCSNAP_ARRAY_CONFIG', name, 'insecure must be true or false');
  if (insecure) warn('CCSNAP_ARRAY_CONFIG_INSECURE', `array ${name}: TLS certificate verification is disabled (insecure: true)`);
  const cacert = await readCacert(name, entry.cacert);
  if (insecure && cacert) warn('CCSNAP_ARRAY_CONFIG_INSECURE', `array ${name}: cacert is ignored because insecure is true`);
  return {
    name,
    url,
    apiKey,
    ...(cacert !== undefined ? { cacert } : {}),
    insecure,
    timeoutMs: readTimeout(name, entry.timeout),
    volumeRule: parseVolumeRule(entry.volume_rule, `array ${name}: volume_rule`),
  };
}

async function readUrl(name: string, entry: Record<string, unknown>): Promise<string> {
  if (entry.url !== undefined && entry.curl_config !== undefined) throw configError('CCSNAP_ARRAY_CONFIG_URL', name, 'give url or curl_config, not both');
  if (typeof entry.url === 'string') return entry.url;
  if (typeof entry.curl_config === 'string') {
    const { text } = await readSecretFile(entry.curl_config, 'CCSNAP_ARRAY_CONFIG_URL', 'curl config file', name);
    const url = urlFromCurlConfig(text);
    if (!url) throw configError('CCSNAP_ARRAY_CONFIG_URL', name, `curl config file ${entry.curl_config} has no url= line`);
    return url;
  }
  throw configError('CCSNAP_ARRAY_CONFIG_URL', name, 'url (or curl_config) is required');
}

function checkUrl(name: string, text: string, warn: (code: CcsnapErrorCode, message: string) => void): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw configError('CCSNAP_ARRAY_CONFIG_URL', name, `url ${JSON.stringify(text)} is not a valid URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw configError('CCSNAP_ARRAY_CONFIG_URL', name, `url must be https:// (got ${url.protocol})`);
  if (url.username || url.password || url.search || url.hash)
    throw configError(
      'CCSNAP_ARRAY_CONFIG_URL',
      name,
      'url must not carry credentials, a query string or a fragment (the API key goes in api_key_file or api_key_env)',
    );
  if (url.pathname === '/' || url.pathname === '') url.pathname = '/client/api';
  if (url.protocol === 'http:' && !isLoopback(url.hostname))
    warn('CCSNAP_ARRAY_CONFIG_PLAINTEXT', `array ${name}: url is plain http; the API key would cross the network unencrypted`);
  return url.toString();
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '[::1]' || host.startsWith('127.');
}

async function readApiKey(
  name: string,
  entry: Record<string, unknown>,
  env: Record<string, string | undefined>,
  warn: (code: CcsnapErrorCode, message: string) => void,
): Promise<string> {
  const sources = ['api_key_file', 'api_key_env', 'curl_key_file'].filter((k) => entry[k] !== undefined);
  if (sources.length !== 1)
    throw configError(
      'CCSNAP_ARRAY_CONFIG_KEY',
      name,
      sources.length === 0 ? 'one of api_key_file, api_key_env, curl_key_file is required' : `give only one of ${sources.join(', ')}`,
    );
  const source = sources[0]!;
  const value = entry[source];
  if (typeof value !== 'string' || value === '') throw configError('CCSNAP_ARRAY_CONFIG_KEY', name, `${source} must be a non-empty string`);
  if (source === 'api_key_env') {
    registerSecretEnv(value);
    const key = env[value]?.trim();
    if (!key) throw configError('CCSNAP_ARRAY_CONFIG_KEY_ENV', name, `environment variable ${value} (api_key_env) is not set or empty`);
    return key;
  }
  const { text, exposedMode } = await readSecretFile(value, 'CCSNAP_ARRAY_CONFIG_KEY_FILE', source === 'api_key_file' ? 'API key file' : 'curl key file', name);
  if (exposedMode) warn('CCSNAP_ARRAY_CONFIG_KEY_PERMS', `array ${name}: key file ${value} is readable by group/other (mode ${exposedMode}); chmod 600 it`);
  const key = source === 'api_key_file' ? text.trim() : apiKeyFromCurlData(text);
  if (!key)
    throw configError(
      'CCSNAP_ARRAY_CONFIG_KEY_FILE',
      name,
      source === 'api_key_file' ? `API key file ${value} is empty` : `curl key file ${value} has no apiKey= parameter`,
    );
  return key;
}

async function readCacert(name: string, value: unknown): Promise<string | undefined> {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '') throw configError('CCSNAP_ARRAY_CONFIG_CACERT', name, 'cacert must be a file path');
  const { text } = await readSecretFile(value, 'CCSNAP_ARRAY_CONFIG_CACERT', 'CA file', name);
  if (!text.includes('-----BEGIN CERTIFICATE-----')) throw configError('CCSNAP_ARRAY_CONFIG_CACERT', name, `CA file ${value} holds no PEM certificate`);
  return value;
}

function readTimeout(name: string, value: unknown): number {
  if (value === undefined) return DEFAULT_ARRAY_TIMEOUT_MS;
  try {
    const ms = parseDuration(String(value));
    if (ms <= 0) throw new Error('not positive');
    return ms;
  } catch {
    throw configError('CCSNAP_ARRAY_CONFIG', name, `timeout ${JSON.stringify(value)} is not a duration (e.g. 30s)`);
  }
}

function configError(code: CcsnapErrorCode, array: string, why: string): CcsnapError {
  return new CcsnapError(code, `ccsnap config, array ${array}: ${why}`, { details: { array } });
}
