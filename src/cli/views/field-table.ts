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
  const row: Record<string, unknown> = {};
  for (const [name, read] of Object.entries(table)) row[name] = read(item);
  return row;
}

/** A Lister result: one row per item. */
export function listResult<T>(table: FieldTable<T>, items: readonly T[], exitCode?: number): CommandResult {
  return { kind: 'list', columns: columnsOf(table), rows: items.map((i) => rowOf(table, i)), ...(exitCode !== undefined ? { exitCode } : {}) };
}

/** A Lister result printed as it comes: one row per item of each chunk. */
export function streamResult<T>(table: FieldTable<T>, chunks: AsyncIterable<readonly T[]>): CommandResult {
  return { kind: 'stream', columns: columnsOf(table), chunks: rowsOf(table, chunks) };
}

async function* rowsOf<T>(table: FieldTable<T>, chunks: AsyncIterable<readonly T[]>): AsyncGenerator<Array<Record<string, unknown>>, void, undefined> {
  for await (const items of chunks) yield items.map((i) => rowOf(table, i));
}

/** A ShowOne result: the fields of one item. */
export function showResult<T>(table: FieldTable<T>, item: T): CommandResult {
  return { kind: 'show', fields: rowOf(table, item) };
}
