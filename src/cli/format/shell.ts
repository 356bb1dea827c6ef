import { cellInline } from './cell.js';

/** `-f shell` for show: name="value" lines to `eval` in a POSIX shell. */
export function formatShell(fields: Array<[string, unknown]>, prefix: string): string {
  return fields.map(([name, value]) => `${prefix}${variableName(name)}="${escape(cellInline(value))}"\n`).join('');
}

function variableName(name: string): string {
  const cleaned = name.replace(/[^A-Za-z0-9_]/g, '_');
  return /^[0-9]/.test(cleaned) ? `_${cleaned}` : cleaned;
}

function escape(s: string): string {
  return s.replace(/[\\"$`]/g, (c) => `\\${c}`);
}
