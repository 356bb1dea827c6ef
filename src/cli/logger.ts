import { redact } from './redact.js';
import type { GlobalOptions, LogFields, Logger, LogLevel } from './types.js';

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };
const LABEL: Record<LogLevel, string> = { debug: 'debug', info: 'info', warn: 'warning', error: 'error' };

/** -q: errors only; default: warnings; -v: info; -vv or --debug: debug. */
export function levelFor(globals: Pick<GlobalOptions, 'quiet' | 'verbose' | 'debug'>): LogLevel {
  if (globals.debug || globals.verbose >= 2) return 'debug';
  if (globals.verbose === 1) return 'info';
  if (globals.quiet) return 'error';
  return 'warn';
}

/** A logger writing "ccsnap: <level>: message key=value ..." lines to `stream`. */
export function createLogger(level: LogLevel, stream: NodeJS.WritableStream): Logger {
  const write = (at: LogLevel, message: string, fields?: LogFields): void => {
    if (ORDER[at] < ORDER[level]) return;
    stream.write(`ccsnap: ${LABEL[at]}: ${message}${formatFields(fields)}\n`);
  };
  return {
    level,
    isEnabled: (at) => ORDER[at] >= ORDER[level],
    debug: (m, f) => write('debug', m, f),
    info: (m, f) => write('info', m, f),
    warn: (m, f) => write('warn', m, f),
    error: (m, f) => write('error', m, f),
  };
}

function formatFields(fields: LogFields | undefined): string {
  if (!fields) return '';
  const safe = redact(fields) as LogFields;
  return Object.entries(safe)
    .map(([k, v]) => ` ${k}=${typeof v === 'string' && !/\s/.test(v) ? v : JSON.stringify(v)}`)
    .join('');
}
