/** Turning arbitrary values into text for the table, value, csv and shell formats. */

export function isScalar(v: unknown): boolean {
  return v === null || v === undefined || ['string', 'number', 'boolean', 'bigint'].includes(typeof v) || v instanceof Date;
}

/** One scalar as text: null/undefined -> "", Date -> ISO string. */
export function scalarText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  return JSON.stringify(toJsonValue(v));
}

/** An object on one line, like OSC's format_dict: key='value', key2='value2'. */
export function inlineObject(obj: Record<string, unknown>): string {
  return Object.entries(obj)
    .map(([k, v]) => `${k}=${isScalar(v) ? `'${scalarText(v)}'` : JSON.stringify(toJsonValue(v))}`)
    .join(', ');
}

function itemText(v: unknown): string {
  if (isScalar(v)) return scalarText(v);
  if (Array.isArray(v)) return JSON.stringify(toJsonValue(v));
  return inlineObject(v as Record<string, unknown>);
}

/** A cell for the table format: lists one item per line, objects one key per line. */
export function cellLines(v: unknown): string[] {
  if (Array.isArray(v)) return v.length === 0 ? [''] : v.flatMap((item) => itemText(item).split('\n'));
  if (!isScalar(v)) {
    const entries = Object.entries(v as Record<string, unknown>);
    if (entries.length === 0) return [''];
    return entries.flatMap(([k, val]) => inlineObject({ [k]: val }).split(/\r?\n/));
  }
  return scalarText(v).split(/\r?\n/);
}

/** A cell on one line (value, csv, shell): lists joined with ", ", objects as key='value' pairs. */
export function cellInline(v: unknown): string {
  if (Array.isArray(v)) return v.map(itemText).join(', ');
  return itemText(v);
}

/** A value as plain JSON data: undefined -> null, Date -> ISO string, bigint -> string. */
export function toJsonValue(v: unknown): unknown {
  if (v === undefined || v === null) return null;
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'bigint') return v.toString();
  if (Array.isArray(v)) return v.map(toJsonValue);
  if (typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, val] of Object.entries(v as Record<string, unknown>)) out[k] = toJsonValue(val);
    return out;
  }
  return v;
}
