import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { composeSandboxRuntime } from '../../dist/sandbox-entry.js';

/**
 * A ccsnap Runtime for the sandbox at `url`, composed exactly as `ccsnap --sandbox` composes it
 * (composeSandboxRuntime of the sandbox entry, through the composition root): the sandbox cloud, the
 * sandbox ccsnap config (persistent virsh session through bin/sandbox-virsh.js), and a journal in a fresh
 * temporary directory (a copy of `journalFrom` when given).
 */
export async function openBenchRuntime(url, { hypervisor, create, policies, journalFrom } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'ccsnap-bench-'));
  if (journalFrom) copyFileSync(journalFrom, join(dir, 'journal.db'));
  const rt = await composeSandboxRuntime(url, {
    journalPath: join(dir, 'journal.db'),
    stateDir: dir,
    ...(hypervisor ? { hypervisor } : {}),
    ...(create ? { create } : {}),
    ...(policies ? { policies } : {}),
  });
  return {
    rt,
    dir,
    async close() {
      await rt.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
