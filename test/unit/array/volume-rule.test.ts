import { describe, expect, it } from 'vitest';
import { DEFAULT_VOLUME_RULE, matchesVolume, parseVolumeRule } from '../../../src/array/volume-rule.js';

describe('volume rules', () => {
  it('defaults to the seed rule: volume type starts with cb-', () => {
    expect(parseVolumeRule(undefined)).toEqual({ typePrefix: 'cb-' });
    expect(matchesVolume(DEFAULT_VOLUME_RULE, { volumeType: 'cb-ssd', backendHost: null })).toBe(true);
    expect(matchesVolume(DEFAULT_VOLUME_RULE, { volumeType: 'lvm-standard', backendHost: 'h@cloudbyte#P' })).toBe(false);
    expect(matchesVolume(DEFAULT_VOLUME_RULE, { volumeType: null, backendHost: null })).toBe(false);
  });

  it('matches a backend host before the #pool part, or exactly when the rule names a pool', () => {
    const rule = parseVolumeRule({ backend_host: 'cinder@cloudbyte' });
    expect(matchesVolume(rule, { volumeType: null, backendHost: 'cinder@cloudbyte#POOL1' })).toBe(true);
    expect(matchesVolume(rule, { volumeType: null, backendHost: 'cinder@cloudbyte' })).toBe(true);
    expect(matchesVolume(rule, { volumeType: null, backendHost: 'cinder@cloudbyte2#POOL1' })).toBe(false);
    expect(matchesVolume(rule, { volumeType: 'cb-ssd', backendHost: null })).toBe(false);
    const pooled = parseVolumeRule({ backend_host: 'cinder@cloudbyte#POOL1' });
    expect(matchesVolume(pooled, { volumeType: null, backendHost: 'cinder@cloudbyte#POOL1' })).toBe(true);
    expect(matchesVolume(pooled, { volumeType: null, backendHost: 'cinder@cloudbyte#POOL2' })).toBe(false);
  });

  it('matches an explicit list of types', () => {
    const rule = parseVolumeRule({ types: ['cb-ssd'] });
    expect(matchesVolume(rule, { volumeType: 'cb-ssd', backendHost: null })).toBe(true);
    expect(matchesVolume(rule, { volumeType: 'cb-hdd', backendHost: null })).toBe(false);
  });

  it('rejects malformed rules', () => {
    for (const bad of ['cb-', { type_prefix: '' }, { types: [] }, { type_prefix: 'a', types: ['b'] }, { nope: 1 }]) {
      expect(() => parseVolumeRule(bad)).toThrow(expect.objectContaining({ code: 'CCSNAP_ARRAY_CONFIG_VOLUME_RULE' }));
    }
  });
});
