import { cellInline } from './cell.js';

/** `-f value` for lists: the row's values separated by one space, one row per line. */
export function formatValueRows(rows: unknown[][]): string {
  return rows.map((row) => `${row.map(cellInline).join(' ')}\n`).join('');
}

/** `-f value` for show: one value per line. */
export function formatValueFields(values: unknown[]): string {
  return values.map((v) => `${cellInline(v)}\n`).join('');
}
