import { execFileSync } from 'node:child_process';

/** True when `program` is on PATH (checked without a shell). */
export function hasProgram(program: string): boolean {
  try {
    execFileSync('sh', ['-c', 'command -v "$0"', program], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export const HAS_PROMETHEUS = hasProgram('prometheus');
export const HAS_CHROMIUM = hasProgram('chromium');
