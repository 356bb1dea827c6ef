import { InvalidArgumentError } from 'commander';
import { parseAge } from '../core.js';

/**
 * Option value parsers for commander: a bad value is a one-line usage error (exit 2) before anything runs.
 * Counts are plain decimal integers ("1e99", "0x10", "2.0" are refused) within a stated range.
 */
export function countParser(min: number, max: number): (value: string) => number {
  return (value: string) => {
    const n = /^\d{1,9}$/.test(value.trim()) ? Number(value.trim()) : Number.NaN;
    if (!Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`must be a whole number from ${min} to ${max}`);
    return n;
  };
}

/** An age for a destructive flag (--older-than): a number with a unit s, m, h, d or w, above zero. */
export function parseAgeOption(value: string): number {
  try {
    return parseAge(value);
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message);
  }
}

/** The global --timeout: seconds, above 0 and at most a day. */
export function parseTimeoutSeconds(value: string): number {
  const n = /^\s*\d+(\.\d+)?\s*$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isFinite(n) || n <= 0 || n > 86_400) throw new InvalidArgumentError('must be a number of seconds above 0 and at most 86400');
  return n;
}
