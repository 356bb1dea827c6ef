import { CommanderError } from 'commander';
import { toCcsnapError, UsageError } from '../core.js';
import { withHint } from './hints.js';
import { redact } from './redact.js';

/**
 * The error line the CLI prints: "ccsnap: error: <message>[; <hint>] [<CODE>]" (the hint: see hints.ts). With `debug`, the details (as JSON,
 * secrets redacted) and the stack of the error and of its causes follow on further lines.
 */
export function renderError(err: unknown, debug: boolean): { text: string; exitCode: number } {
  const e = err instanceof CommanderError ? new UsageError(err.message.replace(/^error:\s*/i, '')) : toCcsnapError(err);
  const message = withHint(e)
    .replace(/\s*\r?\n\s*/g, ' ')
    .trim();
  const lines = [`ccsnap: error: ${message} [${e.code}]`];
  if (debug) {
    if (Object.keys(e.details).length > 0) lines.push(`details: ${JSON.stringify(redact(e.details))}`);
    let current: unknown = err;
    for (let depth = 0; current !== undefined && depth < 5; depth++) {
      const stack = current instanceof Error ? current.stack : String(current);
      if (stack) lines.push(depth === 0 ? stack : `caused by: ${stack}`);
      current = current instanceof Error ? current.cause : undefined;
    }
  }
  return { text: `${lines.join('\n')}\n`, exitCode: e.exitCode };
}
