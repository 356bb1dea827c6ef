import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Global setup of the main suite: every temporary file or directory made during the run (by tests, the
 * CLI children they start, or the sandbox) goes under one private TMPDIR, removed at the end whatever a
 * test left behind. What was left is listed, so the test that leaked can be fixed.
 */
export default function setup(): () => void {
  const previous = process.env.TMPDIR;
  const root = mkdtempSync(join(tmpdir(), 'ccsnap-test-run-'));
  process.env.TMPDIR = root;
  return () => {
    const left = readdirSync(root);
    if (left.length > 0) console.warn(`[tmp] removing what tests left in ${root}: ${left.join(', ')}`);
    rmSync(root, { recursive: true, force: true });
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
  };
}
