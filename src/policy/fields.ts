import { CcsnapError } from '../errors.js';

/**
 * Field readers for the `policies:` section. Every error is one line that names the policy and the field:
 * `policy hourly-web: retention.daily must be a whole number from 0 to 10000` [CCSNAP_POLICY_CONFIG].
 */
export type Dict = Record<string, unknown>;

/** Where a value sits: `policy NAME` (or `policies[i]` while the name is unknown) and the field. */
export interface FieldPath {
  where: string;
  field: string;
}

export function policyError(at: FieldPath, message: string): CcsnapError {
  const field = at.field ? `${at.field} ` : '';
  return new CcsnapError('CCSNAP_POLICY_CONFIG', `${at.where}: ${field}${message}`, { details: { where: at.where, field: at.field } });
}

export function child(at: FieldPath, key: string): FieldPath {
  return { where: at.where, field: at.field ? `${at.field}.${key}` : key };
}

export function isDict(v: unknown): v is Dict {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function readDict(v: unknown, at: FieldPath): Dict {
  if (!isDict(v)) throw policyError(at, 'must be a mapping');
  return v;
}

/** Refuses keys outside `known` (a typo must not silently change what a policy does). */
export function refuseUnknownKeys(d: Dict, known: readonly string[], at: FieldPath): void {
  const unknown = Object.keys(d).filter((k) => !known.includes(k));
  if (unknown.length === 0) return;
  const keys = `unknown key${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} (known: ${known.join(', ')})`;
  throw policyError(at, at.field ? `has ${keys}` : keys);
}

export function readString(v: unknown, at: FieldPath): string {
  if (typeof v !== 'string' || v.trim() === '') throw policyError(at, 'must be a non-empty string');
  return v;
}

export function readStringList(v: unknown, at: FieldPath): string[] {
  if (!Array.isArray(v) || v.length === 0) throw policyError(at, 'must be a non-empty list');
  return v.map((item, i) => readString(item, { ...at, field: `${at.field}[${i}]` }));
}

export function readWholeNumber(v: unknown, min: number, max: number, at: FieldPath): number {
  if (typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max) return v;
  throw policyError(at, `must be a whole number from ${min} to ${max}`);
}

export function readBoolean(v: unknown, at: FieldPath): boolean {
  if (typeof v === 'boolean') return v;
  throw policyError(at, 'must be true or false');
}

export function readChoice<T extends string>(v: unknown, choices: readonly T[], at: FieldPath): T {
  if (typeof v === 'string' && (choices as readonly string[]).includes(v)) return v as T;
  throw policyError(at, `must be ${choices.slice(0, -1).join(', ')}${choices.length > 1 ? ' or ' : ''}${choices[choices.length - 1]}`);
}

const UNIT_MS = { ms: 1, s: 1e3, m: 60e3, h: 3600e3, d: 86400e3, w: 604800e3 } as const;

/**
 * A duration WITH a unit (ms, s, m, h, d, w), e.g. 10s, 1500ms, 10m: a bare number is refused, since
 * "10" could mean seconds or minutes. Bounds are inclusive and in milliseconds.
 */
export function readDuration(v: unknown, bounds: { min: number; max: number; text: string }, at: FieldPath): number {
  const m = typeof v === 'string' ? /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)\s*$/.exec(v) : null;
  if (!m) throw policyError(at, `must be a duration with a unit (ms, s, m, h, d, w), e.g. 10s or 10m, ${bounds.text}`);
  const ms = Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS];
  if (!(ms >= bounds.min && ms <= bounds.max)) throw policyError(at, `must be ${bounds.text}`);
  return ms;
}

export function formatMs(ms: number): string {
  for (const [unit, f] of [
    ['d', 86400e3],
    ['h', 3600e3],
    ['m', 60e3],
    ['s', 1e3],
  ] as const)
    if (ms >= f && ms % f === 0) return `${ms / f}${unit}`;
  return `${ms}ms`;
}
