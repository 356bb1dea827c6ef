import { CcsnapError } from '../errors.js';

/**
 * Quoting for virsh's own command-line parser (interactive mode, read from stdin).
 * virsh splits on blanks and ';', honours '...' (literal), "..." and backslash escapes, and treats a leading '#'
 * as a comment. Every argument is wrapped in single quotes; a single quote inside becomes '\'' as in POSIX sh.
 * A newline, carriage return or NUL cannot be carried on one line and is refused.
 */
export function quoteVirshArg(arg: string): string {
  assertVirshArg(arg);
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** One stdin line for a virsh command (no trailing newline). */
export function formatVirshLine(argv: readonly string[]): string {
  return argv.map(quoteVirshArg).join(' ');
}

export function assertVirshArg(arg: string): void {
  if (/[\n\r\0]/.test(arg)) {
    throw new CcsnapError('CCSNAP_HV_BAD_ARGUMENT', 'a virsh argument contains a newline, carriage return or NUL', {
      details: { argument: JSON.stringify(arg) },
    });
  }
}

/**
 * Splits one line the way virsh's vshCommandStringGetArg does; returns the commands (split on ';').
 * Used by tests and by the sandbox; throws on a dangling backslash or an unterminated quote.
 */
export function parseVirshLine(line: string): string[][] {
  const commands: string[][] = [];
  let current: string[] = [];
  let i = 0;
  while (i < line.length) {
    const c = line[i]!;
    if (c === ' ' || c === '\t') {
      i++;
      continue;
    }
    if (c === ';' || c === '\n') {
      commands.push(current);
      current = [];
      i++;
      continue;
    }
    if (c === '#') {
      while (i < line.length && line[i] !== '\n') i++;
      continue;
    }
    let token = '';
    let sq = false;
    let dq = false;
    while (i < line.length) {
      const ch = line[i]!;
      if (!sq && !dq && (ch === ' ' || ch === '\t' || ch === ';' || ch === '\n')) break;
      if (!dq && ch === "'") {
        sq = !sq;
        i++;
        continue;
      }
      if (!sq && ch === '\\') {
        i++;
        if (i >= line.length) throw new Error('dangling \\');
        token += line[i]!;
        i++;
        continue;
      }
      if (!sq && ch === '"') {
        dq = !dq;
        i++;
        continue;
      }
      token += ch;
      i++;
    }
    if (sq || dq) throw new Error('missing "');
    current.push(token);
  }
  if (current.length > 0) commands.push(current);
  return commands.filter((c) => c.length > 0);
}
