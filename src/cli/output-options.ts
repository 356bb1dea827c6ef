import { InvalidArgumentError, Option, type Command } from 'commander';

export const LIST_FORMATS = ['table', 'json', 'yaml', 'value', 'csv'] as const;
export const SHOW_FORMATS = ['table', 'json', 'yaml', 'value', 'shell'] as const;
export type OutputFormat = (typeof LIST_FORMATS)[number] | (typeof SHOW_FORMATS)[number];
export type CsvQuote = 'all' | 'minimal' | 'none' | 'nonnumeric';

export interface OutputOptions {
  /** -f; "table" when not given (commands can tell: their opts.format is then undefined). */
  format: OutputFormat;
  columns: string[];
  noindent: boolean;
  sortColumns: string[];
  /** --sort-ascending (default) / --sort-descending. */
  sortDescending: boolean;
  /** table: --max-width N (<1: no limit) or CLIFF_MAX_TERM_WIDTH, like cliff. */
  maxWidth: number;
  /** table: --fit-width (or CLIFF_FIT_WIDTH=1): fit to the terminal's width. */
  fitWidth: boolean;
  /** The terminal's width when stdout is one (for --fit-width). */
  terminalWidth?: number;
  quote: CsvQuote;
  prefix: string;
  printEmpty: boolean;
}

const collect = (value: string, prev: string[] = []): string[] => [...prev, value];

/** Adds OSC's output options (-f, -c, --noindent, ...) for a list or show command. */
export function addOutputOptions(cmd: Command, kind: 'list' | 'show'): void {
  const formats = kind === 'list' ? LIST_FORMATS : SHOW_FORMATS;
  // No commander default: a command can tell whether -f was given (opts.format undefined = table).
  cmd.addOption(new Option('-f, --format <format>', 'output format (default: "table")').choices([...formats]));
  cmd.addOption(new Option('-c, --column <column>', 'show this column (repeatable)').argParser(collect));
  cmd.option('--noindent', 'json: no indentation');
  if (kind === 'list') {
    cmd.addOption(new Option('--sort-column <column>', 'sort by this column (repeatable)').argParser(collect));
    cmd.addOption(new Option('--sort-ascending', 'sort the column(s) in ascending order (default)').conflicts('sortDescending'));
    cmd.addOption(new Option('--sort-descending', 'sort the column(s) in descending order'));
    cmd.addOption(new Option('--quote <mode>', 'csv: when to quote').choices(['all', 'minimal', 'none', 'nonnumeric']).default('nonnumeric'));
    cmd.option('--print-empty', 'table: print an empty table when there are no rows');
  } else {
    cmd.option('--prefix <prefix>', 'shell: prefix for variable names', '');
  }
  cmd.addOption(new Option('--max-width <integer>', 'table: maximum display width, <1 to disable (env: CLIFF_MAX_TERM_WIDTH)').argParser(parseInteger));
  cmd.option('--fit-width', 'table: fit the table to the terminal width; implied by --max-width above 0 (env: CLIFF_FIT_WIDTH=1)');
}

function parseInteger(value: string): number {
  const n = Number(value);
  if (!/^-?\d+$/.test(value.trim()) || !Number.isSafeInteger(n)) throw new InvalidArgumentError('must be an integer');
  return n;
}

/**
 * Reads the output options from a command's opts (defaults when the command has none). `env` gives cliff's
 * CLIFF_MAX_TERM_WIDTH / CLIFF_FIT_WIDTH defaults (flags win); `terminalWidth` is stdout's width when a TTY.
 */
export function readOutputOptions(opts: Record<string, unknown>, env: NodeJS.ProcessEnv = {}, terminalWidth?: number): OutputOptions {
  const envWidth = Number.parseInt(env.CLIFF_MAX_TERM_WIDTH ?? '', 10);
  return {
    format: (typeof opts.format === 'string' ? opts.format : 'table') as OutputFormat,
    columns: Array.isArray(opts.column) ? (opts.column as string[]) : [],
    noindent: opts.noindent === true,
    sortColumns: Array.isArray(opts.sortColumn) ? (opts.sortColumn as string[]) : [],
    sortDescending: opts.sortDescending === true,
    maxWidth: typeof opts.maxWidth === 'number' ? opts.maxWidth : Number.isFinite(envWidth) ? envWidth : 0,
    fitWidth: opts.fitWidth === true || (env.CLIFF_FIT_WIDTH !== undefined && env.CLIFF_FIT_WIDTH !== '' && env.CLIFF_FIT_WIDTH !== '0'),
    ...(terminalWidth !== undefined && terminalWidth > 0 ? { terminalWidth } : {}),
    quote: (typeof opts.quote === 'string' ? opts.quote : 'nonnumeric') as CsvQuote,
    prefix: typeof opts.prefix === 'string' ? opts.prefix : '',
    printEmpty: opts.printEmpty === true,
  };
}
