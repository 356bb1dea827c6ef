import { Option, type Command } from 'commander';

export const LIST_FORMATS = ['table', 'json', 'yaml', 'value', 'csv'] as const;
export const SHOW_FORMATS = ['table', 'json', 'yaml', 'value', 'shell'] as const;
export type OutputFormat = (typeof LIST_FORMATS)[number] | (typeof SHOW_FORMATS)[number];
export type CsvQuote = 'all' | 'minimal' | 'none' | 'nonnumeric';

export interface OutputOptions {
  format: OutputFormat;
  columns: string[];
  noindent: boolean;
  sortColumns: string[];
  quote: CsvQuote;
  prefix: string;
  printEmpty: boolean;
}

const collect = (value: string, prev: string[] = []): string[] => [...prev, value];

/** Adds OSC's output options (-f, -c, --noindent, ...) for a list or show command. */
export function addOutputOptions(cmd: Command, kind: 'list' | 'show'): void {
  const formats = kind === 'list' ? LIST_FORMATS : SHOW_FORMATS;
  cmd.addOption(new Option('-f, --format <format>', 'output format').choices([...formats]).default('table'));
  cmd.addOption(new Option('-c, --column <column>', 'show this column (repeatable)').argParser(collect));
  cmd.option('--noindent', 'json: no indentation');
  if (kind === 'list') {
    cmd.addOption(new Option('--sort-column <column>', 'sort by this column (repeatable)').argParser(collect));
    cmd.addOption(new Option('--quote <mode>', 'csv: when to quote').choices(['all', 'minimal', 'none', 'nonnumeric']).default('nonnumeric'));
    cmd.option('--print-empty', 'table: print an empty table when there are no rows');
  } else {
    cmd.option('--prefix <prefix>', 'shell: prefix for variable names', '');
  }
}

/** Reads the output options from a command's opts (defaults when the command has none). */
export function readOutputOptions(opts: Record<string, unknown>): OutputOptions {
  return {
    format: (typeof opts.format === 'string' ? opts.format : 'table') as OutputFormat,
    columns: Array.isArray(opts.column) ? (opts.column as string[]) : [],
    noindent: opts.noindent === true,
    sortColumns: Array.isArray(opts.sortColumn) ? (opts.sortColumn as string[]) : [],
    quote: (typeof opts.quote === 'string' ? opts.quote : 'nonnumeric') as CsvQuote,
    prefix: typeof opts.prefix === 'string' ? opts.prefix : '',
    printEmpty: opts.printEmpty === true,
  };
}
