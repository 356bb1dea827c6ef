import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { SandboxError } from './errors.js';
import { emptyState, type SandboxState } from './state.js';
import { seedDemoState } from './seed.js';

/** Loads the state file, or seeds the demo inventory (and writes it) when there is none. */
export async function loadState(path: string | undefined): Promise<SandboxState> {
  if (path && existsSync(path)) {
    try {
      const parsed = JSON.parse(readFileSync(path, 'utf8')) as SandboxState;
      if (parsed.version !== 1) throw new Error(`unsupported version ${String(parsed.version)}`);
      return parsed;
    } catch (err) {
      throw new SandboxError('CCSNAP_SANDBOX_STATE', `sandbox state file ${path} is unreadable: ${(err as Error).message}`, { cause: err, details: { path } });
    }
  }
  const state = seedDemoState(emptyState());
  if (path) saveState(path, state);
  return state;
}

/** Writes the state atomically (temp file + rename). */
export function saveState(path: string, state: SandboxState): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(state, null, 2), { mode: 0o600 });
  renameSync(tmp, path);
}
