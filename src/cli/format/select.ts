import { UsageError } from '../../core.js';

/** Applies -c: the requested columns in the order given (duplicates dropped), or all. */
export function selectColumns(available: string[], requested: string[]): string[] {
  if (requested.length === 0) return available;
  for (const column of requested) {
    if (!available.includes(column)) {
      throw new UsageError(`no such column: '${column}' (valid: ${available.join(', ')})`, { column, valid: available });
    }
  }
  return [...new Set(requested)];
}

/**
 * Applies --sort-column: a stable sort on each column in turn (first column is the primary key);
 * `descending` (--sort-descending) reverses the order on every column, like cliff.
 */
export function sortRows(rows: Array<Record<string, unknown>>, available: string[], sortColumns: string[], descending = false): Array<Record<string, unknown>> {
  if (sortColumns.length === 0) return rows;
  for (const column of sortColumns) {
    if (!available.includes(column)) {
      throw new UsageError(`no such sort column: '${column}' (valid: ${available.join(', ')})`, { column, valid: available });
    }
  }
  return [...rows].sort((a, b) => {
    for (const column of sortColumns) {
      const c = compareValues(a[column], b[column]);
      if (c !== 0) return descending ? -c : c;
    }
    return 0;
  });
}

function compareValues(a: unknown, b: unknown): number {
  const aNull = a === null || a === undefined;
  const bNull = b === null || b === undefined;
  if (aNull || bNull) return aNull === bNull ? 0 : aNull ? 1 : -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const as = typeof a === 'string' ? a : JSON.stringify(a);
  const bs = typeof b === 'string' ? b : JSON.stringify(b);
  return as < bs ? -1 : as > bs ? 1 : 0;
}
