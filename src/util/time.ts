import { UsageError } from '../errors.js';

/** Monotonic milliseconds (fractional), for measuring durations. */
export function nowMs(): number {
  return performance.timeOrigin + performance.now();
}

/** Parses "90s", "15m", "12h", "7d", "2w" or a bare number of seconds into milliseconds. */
export function parseDuration(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)?\s*$/.exec(text);
  if (!m) throw new UsageError(`invalid duration "${text}" (expected e.g. 30s, 15m, 12h, 7d, 2w)`);
  const value = Number(m[1]);
  const unit = m[2] ?? 's';
  const factor: Record<string, number> = { ms: 1, s: 1e3, m: 60e3, h: 3600e3, d: 86400e3, w: 604800e3 };
  return value * factor[unit]!;
}

