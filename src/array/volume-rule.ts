import { CcsnapError } from '../errors.js';
import { isObject } from './envelope.js';

/** Which Cinder volumes live on an array. */
export type VolumeRule = { typePrefix: string } | { backendHost: string } | { types: string[] };

export const DEFAULT_VOLUME_RULE: VolumeRule = { typePrefix: 'cb-' };

export interface VolumeFacts {
  volumeType: string | null;
  /** `os-vol-host-attr:host`, e.g. "cinder@cloudbyte#POOL1". */
  backendHost: string | null;
}

export function matchesVolume(rule: VolumeRule, volume: VolumeFacts): boolean {
  if ('typePrefix' in rule) return volume.volumeType !== null && volume.volumeType.startsWith(rule.typePrefix);
  if ('types' in rule) return volume.volumeType !== null && rule.types.includes(volume.volumeType);
  return hostMatches(rule.backendHost, volume.backendHost);
}

/** "cinder@cloudbyte" matches "cinder@cloudbyte" and "cinder@cloudbyte#POOL1"; a rule with "#pool" must match exactly. */
function hostMatches(ruleHost: string, host: string | null): boolean {
  if (host === null) return false;
  if (ruleHost.includes('#')) return host === ruleHost;
  return host.split('#')[0] === ruleHost;
}

/** Parses the YAML `volume_rule` value ({type_prefix} | {backend_host} | {types}); absent → the default. */
export function parseVolumeRule(value: unknown, where = 'volume_rule'): VolumeRule {
  if (value === undefined || value === null) return DEFAULT_VOLUME_RULE;
  const bad = (why: string): CcsnapError => new CcsnapError('CCSNAP_ARRAY_CONFIG_VOLUME_RULE', `${where}: ${why}`, { details: { where } });
  if (!isObject(value)) throw bad('expected a mapping with one of type_prefix, backend_host, types');
  const keys = Object.keys(value);
  if (keys.length !== 1) throw bad(`expected exactly one of type_prefix, backend_host, types (got ${keys.join(', ') || 'none'})`);
  const v = value[keys[0]!];
  switch (keys[0]) {
    case 'type_prefix':
      if (typeof v !== 'string' || v === '') throw bad('type_prefix must be a non-empty string');
      return { typePrefix: v };
    case 'backend_host':
      if (typeof v !== 'string' || v === '') throw bad('backend_host must be a non-empty string');
      return { backendHost: v };
    case 'types':
      if (!Array.isArray(v) || v.length === 0 || !v.every((t) => typeof t === 'string' && t !== ''))
        throw bad('types must be a non-empty list of volume type names');
      return { types: v as string[] };
    default:
      throw bad(`unknown rule "${keys[0]}"`);
  }
}
