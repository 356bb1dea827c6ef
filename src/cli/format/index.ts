import { UsageError } from '../../core.js';
import type { OutputOptions } from '../output-options.js';
import type { CommandResult } from '../types.js';
import { formatCsv } from './csv.js';
import { selectColumns, sortRows } from './select.js';
import { formatShell } from './shell.js';
import { formatJson, formatYaml } from './structured.js';
import { formatTable, type TableWidth } from './table.js';
import { formatValueFields, formatValueRows } from './value.js';

/** Renders a command result in the chosen format. Returns "" for kind "none". */
export async function formatResult(result: CommandResult, opts: OutputOptions): Promise<string> {
  if (result.kind === 'list') return formatList(result.columns, result.rows, opts);
  if (result.kind === 'show') return formatShow(result.fields, opts);
  return '';
}

export async function formatList(allColumns: string[], allRows: Array<Record<string, unknown>>, opts: OutputOptions): Promise<string> {
  const columns = selectColumns(allColumns, opts.columns);
  const rows = sortRows(allRows, allColumns, opts.sortColumns, opts.sortDescending);
  const matrix = rows.map((row) => columns.map((c) => row[c]));
  switch (opts.format) {
    case 'table':
      return rows.length === 0 && !opts.printEmpty ? '' : formatTable(columns, matrix, listTableWidth(opts));
    case 'json':
      return formatJson(
        rows.map((row) => pick(row, columns)),
        opts.noindent,
      );
    case 'yaml':
      return formatYaml(rows.map((row) => pick(row, columns)));
    case 'value':
      return formatValueRows(matrix);
    case 'csv':
      return formatCsv(columns, matrix, opts.quote);
    default:
      throw new UsageError(`format '${opts.format}' is not available for lists (use table, json, yaml, value or csv)`);
  }
}

export async function formatShow(allFields: Record<string, unknown>, opts: OutputOptions): Promise<string> {
  const names = selectColumns(Object.keys(allFields), opts.columns);
  const fields = pick(allFields, names);
  switch (opts.format) {
    case 'table':
      return formatTable(
        ['Field', 'Value'],
        names.map((n) => [n, fields[n]]),
        tableWidth(opts, SHOW_MIN_WIDTH),
      );
    case 'json':
      return formatJson(fields, opts.noindent);
    case 'yaml':
      return formatYaml(fields);
    case 'value':
      return formatValueFields(names.map((n) => fields[n]));
    case 'shell':
      return formatShell(
        names.map((n) => [n, fields[n]]),
        opts.prefix,
      );
    default:
      throw new UsageError(`format '${opts.format}' is not available for single objects (use table, json, yaml, value or shell)`);
  }
}

/** cliff's narrowest wrapped column: 8 for lists, 16 for Field/Value (a table overflows rather than wrap below it). */
const LIST_MIN_WIDTH = 8;
const SHOW_MIN_WIDTH = 16;

/** The width a list's table is fitted to. */
export function listTableWidth(opts: OutputOptions): TableWidth | undefined {
  return tableWidth(opts, LIST_MIN_WIDTH);
}

/** The width to fit a table to (cliff): --max-width above 0, else the terminal's with --fit-width, else none. */
function tableWidth(opts: OutputOptions, minWidth: number): TableWidth | undefined {
  if (opts.maxWidth > 0) return { width: opts.maxWidth, minWidth };
  if (opts.fitWidth && opts.terminalWidth) return { width: opts.terminalWidth, minWidth };
  return undefined;
}

function pick(obj: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of keys) out[k] = obj[k] ?? null;
  return out;
}
