import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { CcsnapError } from '../errors.js';

export type Dict = Record<string, unknown>;

const CLOUD_FILES = ['clouds.yaml', 'clouds.yml'];
const SECURE_FILES = ['secure.yaml', 'secure.yml'];

/** The os-client-config search path: ./, $XDG_CONFIG_HOME|~/.config/openstack, /etc/openstack. */
export function defaultSearchPath(env: NodeJS.ProcessEnv): string[] {
  const xdg = env.XDG_CONFIG_HOME || join(env.HOME || homedir(), '.config');
  return [process.cwd(), join(xdg, 'openstack'), '/etc/openstack'];
}

/** The clouds.yaml the resolver would read ($OS_CLIENT_CONFIG_FILE, else the first in the search path), if any. */
export function findCloudsFile(env: NodeJS.ProcessEnv, dirs: string[] = defaultSearchPath(env)): string | undefined {
  return findConfigFile(dirs, CLOUD_FILES, env.OS_CLIENT_CONFIG_FILE);
}

/** First existing candidate file in the search path, or the explicit override when given. */
export function findConfigFile(dirs: string[], names: string[], override: string | undefined): string | undefined {
  if (override) return override;
  for (const dir of dirs) {
    for (const name of names) {
      const file = join(dir, name);
      if (existsSync(file)) return file;
    }
  }
  return undefined;
}

/** Reads a YAML file into an object; bad YAML → CCSNAP_CONFIG_INVALID naming the file. */
export function readYamlFile(file: string): Dict {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new CcsnapError('CCSNAP_CONFIG_INVALID', `cannot read ${file}: ${(err as Error).message}`, { details: { file }, cause: err });
  }
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (err) {
    const reason = (err as Error).message.split('\n')[0];
    throw new CcsnapError('CCSNAP_CONFIG_INVALID', `invalid YAML in ${file}: ${reason}`, { details: { file }, cause: err });
  }
  if (doc === null || doc === undefined) return {};
  if (!isDict(doc)) throw new CcsnapError('CCSNAP_CONFIG_INVALID', `${file} must contain a mapping`, { details: { file } });
  return doc;
}

export function isDict(value: unknown): value is Dict {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Deep merge: values of `over` win; nested mappings merge recursively. */
export function deepMerge(base: Dict, over: Dict): Dict {
  const out: Dict = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const current = out[key];
    out[key] = isDict(current) && isDict(value) ? deepMerge(current, value) : value;
  }
  return out;
}

export interface LoadedClouds {
  clouds: Record<string, Dict>;
  files: string[];
}

/** Loads `clouds:` from clouds.yaml and deep-merges secure.yaml over it. */
export function loadCloudFiles(dirs: string[], env: NodeJS.ProcessEnv): LoadedClouds {
  const files: string[] = [];
  const cloudFile = findConfigFile(dirs, CLOUD_FILES, env.OS_CLIENT_CONFIG_FILE);
  const secureFile = findConfigFile(dirs, SECURE_FILES, env.OS_CLIENT_SECURE_FILE);
  let clouds: Dict = {};
  for (const file of [cloudFile, secureFile]) {
    if (!file) continue;
    if (!existsSync(file)) {
      if (file === env.OS_CLIENT_CONFIG_FILE) {
        throw new CcsnapError('CCSNAP_CONFIG_INVALID', `OS_CLIENT_CONFIG_FILE ${file} does not exist`, { details: { file } });
      }
      continue;
    }
    const section = readYamlFile(file).clouds ?? {};
    if (!isDict(section)) throw new CcsnapError('CCSNAP_CONFIG_INVALID', `"clouds" in ${file} must be a mapping`, { details: { file } });
    clouds = deepMerge(clouds, section);
    files.push(file);
  }
  const out: Record<string, Dict> = {};
  for (const [name, entry] of Object.entries(clouds)) out[name] = isDict(entry) ? entry : {};
  return { clouds: out, files };
}
