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

export function parseSnapshotName(name: string): ParsedSnapshotName | undefined {
  const m = NAME_RE.exec(name);
  if (!m) return undefined;
  const s = m[2]!;
  const createdAt = new Date(`${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)}T${s.slice(8, 10)}:${s.slice(10, 12)}:${s.slice(12, 14)}Z`);
  return { setId: m[1]!, createdAt, index: Number(m[3]), total: Number(m[4]), label: m[5] ?? null };
}
