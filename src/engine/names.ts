import { randomBytes } from 'node:crypto';

/**
 * Array snapshot names encode the set, so sets can be rebuilt from the array alone:
 *   ccs_<setId>_<YYYYMMDDhhmmss>_<k>of<n>[_<label>]
 * setId is 12 lowercase hex characters; k is the member's 1-based index, n the set size;
 * the label is the user's label reduced to [A-Za-z0-9_] (at most 32 characters).
 * Every character is in [A-Za-z0-9_], the only ones ElastiCenter accepts safely.
 */
export interface ParsedSnapshotName {
  setId: string;
  createdAt: Date;
  index: number;
  total: number;
  label: string | null;
}

const NAME_RE = /^ccs_([0-9a-f]{12})_(\d{14})_(\d+)of(\d+)(?:_([A-Za-z0-9_]{1,32}))?$/;

export function newSetId(): string {
  return randomBytes(6).toString('hex');
}

export function sanitizeLabel(label: string): string {
  return label
    .replace(/[^A-Za-z0-9_]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 32);
}

export function formatSnapshotName(setId: string, createdAt: Date, index: number, total: number, label?: string | null): string {
  const stamp = createdAt.toISOString().replace(/[-:T]/g, '').slice(0, 14);
  const clean = label ? sanitizeLabel(label) : '';
  return `ccs_${setId}_${stamp}_${index}of${total}${clean ? `_${clean}` : ''}`;
}

/** A ccsnap name's parts; undefined for any other name, including one whose time does not exist (month 13…). */
export function parseSnapshotName(name: string): ParsedSnapshotName | undefined {
  const m = NAME_RE.exec(name);
  if (!m) return undefined;
  const createdAt = stampToDate(m[2]!);
  if (!createdAt) return undefined;
  return { setId: m[1]!, createdAt, index: Number(m[3]), total: Number(m[4]), label: m[5] ?? null };
}

/**
 * `YYYYMMDDhhmmss` (UTC) as a Date, or undefined for a time that does not exist (30 February, hour 24…): such
 * a name is not one ccsnap made, and its Date would be invalid (a list that showed it as an ISO time threw).
 * Set field by field, not parsed from an ISO string: a list parses 10⁵ names.
 */
function stampToDate(stamp: string): Date | undefined {
  const part = (from: number, to: number): number => Number(stamp.slice(from, to));
  const year = part(0, 4);
  const month = part(4, 6);
  const day = part(6, 8);
  const hour = part(8, 10);
  const minute = part(10, 12);
  const second = part(12, 14);
  // setUTCFullYear, not Date.UTC: Date.UTC reads the years 0–99 as 1900–1999.
  const at = new Date(0);
  at.setUTCFullYear(year, month - 1, day);
  at.setUTCHours(hour, minute, second, 0);
  const exists =
    at.getUTCFullYear() === year &&
    at.getUTCMonth() === month - 1 &&
    at.getUTCDate() === day &&
    at.getUTCHours() === hour &&
    at.getUTCMinutes() === minute &&
    at.getUTCSeconds() === second;
  return exists ? at : undefined;
}
