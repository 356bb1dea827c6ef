import { closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Files ccsnap creates (journal, its WAL, logs, sandbox state) are readable by their owner only (0600),
 * and directories it creates are 0700. Existing files and directories are left as they are.
 */
export function ensurePrivateDir(dir: string): void {
  if (!existsSync(dir)) mkdirSync(dir, { recursive: true, mode: 0o700 });
}

/** Creates `path` empty with mode 0600 (and its missing directories 0700) unless it exists. */
export function ensurePrivateFile(path: string): void {
  ensurePrivateDir(dirname(path));
  try {
    closeSync(openSync(path, 'ax', 0o600));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
}
