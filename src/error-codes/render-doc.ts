import { CCSNAP_ENVIRONMENT, ERROR_CODE_GROUPS } from './index.js';
import type { ErrorCodeGroup, ErrorKind } from './types.js';

const EXIT: Record<ErrorKind, string> = { error: '1', usage: '2', warning: '— (warning)' };

const HEADER = `# Error reference

<!-- Generated from src/error-codes/ by \`npm run docs:errors\`: edit the catalogue, not this file. -->

Every error ccsnap raises carries a stable code. The CLI prints one line on stderr,
\`ccsnap: error: <message> [CCSNAP_<CODE>]\` (\`--debug\` adds the details and stack traces), and exits with
the status below; it exits 130 on SIGINT and 143 on SIGTERM whatever the error. Library callers read
\`err.code\` (typed \`CcsnapErrorCode\`; \`ERROR_CODES\` is this table) and \`err.details\`. Warnings are printed
and do not change the exit status.
`;

/** docs/errors.md, from the catalogue. */
export function renderErrorsDoc(): string {
  return [HEADER, ...ERROR_CODE_GROUPS.map(renderGroup), renderEnvironment()].join('\n');
}

function renderGroup(group: ErrorCodeGroup): string {
  const rows = Object.entries(group.codes).map(([code, i]) => row([`\`${code}\``, EXIT[i.kind], i.meaning, i.fix]));
  const about = group.about ? `${group.about}\n\n` : '';
  return `## ${group.title}\n\n${about}${row(['Code', 'Exit', 'Meaning', 'Typical fix'])}\n${row(['---', '---', '---', '---'])}\n${rows.join('\n')}\n`;
}

function renderEnvironment(): string {
  const rows = Object.entries(CCSNAP_ENVIRONMENT).map(([name, meaning]) => row([`\`${name}\``, meaning]));
  return `## Environment variables (not error codes)\n\n${row(['Variable', 'Meaning'])}\n${row(['---', '---'])}\n${rows.join('\n')}\n`;
}

function row(cells: string[]): string {
  return `| ${cells.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`;
}
