import { createInterface } from 'node:readline/promises';
import type { CommandContext } from '../../types.js';

/**
 * Asks a yes/no question on the terminal (stderr), or returns undefined when there is no terminal
 * to ask (the caller then requires --yes).
 */
export function terminalConfirm(ctx: CommandContext): ((question: string) => Promise<boolean>) | undefined {
  if (!process.stdin.isTTY || !process.stderr.isTTY) return undefined;
  return async (question) => {
    const rl = createInterface({ input: process.stdin, output: process.stderr });
    try {
      const answer = await rl.question(`${question} [y/N] `, { signal: ctx.signal });
      return /^y(es)?$/i.test(answer.trim());
    } finally {
      rl.close();
    }
  };
}
