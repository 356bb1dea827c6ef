import type { Command } from 'commander';
import { UsageError } from '../core.js';

/** Options whose value may legitimately be empty (a fault that answers an empty body or error text). */
const MAY_BE_EMPTY = new Set(['nonJson', 'errorText']);

/**
 * Refuses an empty (or blank) operand or option value anywhere on the command line, global options
 * included: `list ''` must not mean "everything", nor `--journal ''` "the default journal".
 */
export function rejectEmptyValues(cmd: Command): void {
  const declared = cmd.registeredArguments;
  cmd.args.forEach((arg, i) => {
    if (arg.trim() === '') {
      const name = declared[Math.min(i, declared.length - 1)]?.name() ?? `argument ${i + 1}`;
      throw new UsageError(`${name} must not be empty`, { argument: name });
    }
  });
  for (let c: Command | null = cmd; c; c = c.parent) {
    for (const [key, value] of Object.entries(c.opts())) {
      // Only values the user gave: defaults (e.g. the shell formatter's --prefix '') are fine.
      if (MAY_BE_EMPTY.has(key) || c.getOptionValueSource(key) !== 'cli') continue;
      const values = Array.isArray(value) ? value : [value];
      if (values.some((v) => typeof v === 'string' && v.trim() === '')) {
        const flag = c.options.find((o) => o.attributeName() === key)?.long ?? key;
        throw new UsageError(`${flag} must not be empty`, { option: flag });
      }
    }
  }
}
