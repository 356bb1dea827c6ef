import { findCommand, isCommandPrefix } from './registry.js';
import { VALUE_GLOBALS } from './globals.js';

export interface ScannedArgv {
  /** The longest run of leading operands that names a command or group (may be empty). */
  words: string[];
  /** argv to hand to commander (`help X` rewritten to `X --help`). */
  argv: string[];
}

/**
 * Finds which command argv names, without commander, so only that command's module is imported.
 * Global options may come before the command words; their values are skipped.
 */
export function scanArgv(argv: string[]): ScannedArgv {
  const words: string[] = [];
  let helpAt = -1;
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i]!;
    if (token === '--') break;
    if (token.startsWith('-')) {
      if (words.length > 0) break;
      if (VALUE_GLOBALS.includes(token)) i++;
      continue;
    }
    if (token === 'help' && helpAt < 0 && !findCommand(words.join(' '))) {
      helpAt = i;
      continue;
    }
    if (!isCommandPrefix([...words, token])) break;
    words.push(token);
  }
  if (helpAt < 0) return { words, argv };
  const rest = argv.filter((_, i) => i !== helpAt);
  return { words, argv: [...rest, '--help'] };
}
