import type { CsvQuote } from '../output-options.js';
import { cellInline } from './cell.js';

/** CSV like OSC's `-f csv` (python csv module, QUOTE_NONNUMERIC by default, "\n" line ends). */
export function formatCsv(columns: string[], rows: unknown[][], quote: CsvQuote): string {
  return formatCsvHeader(columns, quote) + formatCsvRows(rows, quote);
}

export function formatCsvHeader(columns: string[], quote: CsvQuote): string {
  return `${columns.map((c) => field(c, quote)).join(',')}\n`;
}

/** The data lines only (a streamed list writes the header once, then these chunk by chunk). */
export function formatCsvRows(rows: unknown[][], quote: CsvQuote): string {
  let out = '';
  for (const row of rows) out += `${row.map((v) => field(v, quote)).join(',')}\n`;
  return out;
}

function field(v: unknown, quote: CsvQuote): string {
  if (v === null || v === undefined) return quote === 'all' ? '""' : '';
  const numeric = typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint';
  const text = cellInline(v);
  const needs = /[",\r\n]/.test(text);
  const quoted = quote === 'all' || (quote === 'nonnumeric' && !numeric) || (quote === 'minimal' && needs);
  return quoted ? `"${text.replace(/"/g, '""')}"` : text;
}
