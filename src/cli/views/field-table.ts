import type { CommandResult } from '../types.js';

/**
 * One view's fields, in order: the column (list) or field (show) name and how to read it from one item, like
 * python-openstackclient's column tables. The columns a command declares and the values it prints come from
 * the same table, so they cannot drift apart.
 */
export type FieldTable<T> = Readonly<Record<string, (item: T) => unknown>>;

export function columnsOf<T>(table: FieldTable<T>): string[] {
  return Object.keys(table);
}

export function rowOf<T>(table: FieldTable<T>, item: T): Record<string, unknown> {
  return rowReader(table)(item);
}

/** The row of one item, with the table's fields listed once (a list reads 10⁵ items through it). */
function rowReader<T>(table: FieldTable<T>): (item: T) => Record<string, unknown> {
  const fields = Object.entries(table);
  return (item) => {
    const row: Record<string, unknown> = {};
    for (const [name, read] of fields) row[name] = read(item);
    return row;
  };
}

/** A Lister result: one row per item. */
export function listResult<T>(table: FieldTable<T>, items: readonly T[], exitCode?: number): CommandResult {
  return { kind: 'list', columns: columnsOf(table), rows: items.map(rowReader(table)), ...(exitCode !== undefined ? { exitCode } : {}) };
}

/** A Lister result printed as it comes: one row per item of each chunk. */
export function streamResult<T>(table: FieldTable<T>, chunks: AsyncIterable<readonly T[]>): CommandResult {
  return { kind: 'stream', columns: columnsOf(table), chunks: rowsOf(table, chunks) };
}

async function* rowsOf<T>(table: FieldTable<T>, chunks: AsyncIterable<readonly T[]>): AsyncGenerator<Array<Record<string, unknown>>, void, undefined> {
  const read = rowReader(table);
  for await (const items of chunks) yield items.map(read);
}

/** A ShowOne result: the fields of one item. */
export function showResult<T>(table: FieldTable<T>, item: T): CommandResult {
  return { kind: 'show', fields: rowOf(table, item) };
}
