import { CcsnapError } from './errors.js';
import { parseDuration } from './util/time.js';

/**
 * The config's `timeouts:` section: the bounds of the calls that are not per-request (those follow the
 * hypervisor's command_timeout and the global --timeout). Each is a duration with a unit, 1 s to 1 h.
 *
 *   timeouts: { array_call: 60s, cleanup: 60s, power: 5m, rollback_array: 2m }
 */
export interface OperationTimeouts {
  /** A create's or a delete's array calls outside the freeze window (lookups, deletes). */
  arrayMs: number;
  /** Deleting what a failed create made (all-or-nothing). */
  cleanupMs: number;
  /** A Nova stop or start, until the instance reaches the state. */
  powerMs: number;
  /** One rollback call on the array (a rollback can take longer than a snapshot). */
  rollbackArrayMs: number;
}

export const DEFAULT_TIMEOUTS: OperationTimeouts = { arrayMs: 60_000, cleanupMs: 60_000, powerMs: 300_000, rollbackArrayMs: 120_000 };

const KEYS: Record<string, keyof OperationTimeouts> = { array_call: 'arrayMs', cleanup: 'cleanupMs', power: 'powerMs', rollback_array: 'rollbackArrayMs' };

export function parseTimeouts(value: unknown): OperationTimeouts {
  if (value === undefined || value === null) return { ...DEFAULT_TIMEOUTS };
  if (typeof value !== 'object' || Array.isArray(value)) throw invalid('timeouts must be a mapping, e.g. { array_call: 60s, power: 5m }');
  const out = { ...DEFAULT_TIMEOUTS };
  for (const [key, raw] of Object.entries(value as Record<string, unknown>)) {
    const field = KEYS[key];
    if (!field) throw invalid(`timeouts has unknown key ${key} (known: ${Object.keys(KEYS).join(', ')})`);
    out[field] = parseBound(key, raw);
  }
  return out;
}

function parseBound(key: string, raw: unknown): number {
  const text = typeof raw === 'string' ? raw : '';
  if (!/[a-z]\s*$/.test(text)) throw invalid(`timeouts.${key} needs a unit, e.g. 90s or 5m`);
  let ms: number;
  try {
    ms = parseDuration(text);
  } catch {
    throw invalid(`timeouts.${key} is not a duration: "${text}" (e.g. 90s, 5m)`);
  }
  if (ms < 1_000 || ms > 3_600_000) throw invalid(`timeouts.${key} must be between 1s and 1h`);
  return ms;
}

function invalid(message: string): CcsnapError {
  return new CcsnapError('CCSNAP_CONFIG_INVALID', message);
}
