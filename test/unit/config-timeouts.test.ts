import { describe, expect, it } from 'vitest';
import { DEFAULT_TIMEOUTS, parseTimeouts } from '../../src/config-timeouts.js';
import { loadSettings } from '../../src/config.js';
import { rejectionOf } from '../helpers/rejection.js';

describe('timeouts: (bounds of the calls outside the freeze window)', () => {
  it('defaults when absent; each key overrides one bound', () => {
    expect(parseTimeouts(undefined)).toEqual(DEFAULT_TIMEOUTS);
    expect(parseTimeouts({ power: '10m', array_call: '90s' })).toEqual({ ...DEFAULT_TIMEOUTS, powerMs: 600_000, arrayMs: 90_000 });
  });

  it.each([
    [{ power: 300 }, /needs a unit/],
    [{ power: '0.5s' }, /between 1s and 1h/],
    [{ powr: '5m' }, /unknown key powr/],
    [['5m'], /must be a mapping/],
  ])('refuses %j', (value, message) => {
    expect(() => parseTimeouts(value)).toThrow(message);
  });

  it('reaches the settings the composition root hands to the operations', async () => {
    const settings = await loadSettings({ file: null, cloudName: 'c', env: {}, inline: { timeouts: { rollback_array: '5m' } } });
    expect(settings.timeouts.rollbackArrayMs).toBe(300_000);
    const err = await rejectionOf(loadSettings({ file: null, cloudName: 'c', env: {}, inline: { timeouts: { cleanup: 'soon' } } }));
    expect(err.code).toBe('CCSNAP_CONFIG_INVALID');
  });
});
