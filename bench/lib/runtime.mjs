import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSettings } from '../../dist/config.js';
import { Runtime } from '../../dist/runtime.js';
import { sandboxCloud } from '../../dist/cli/commands/shared/open-runtime.js';
import { SANDBOX_CLOUD_NAME, sandboxCcsnapConfig, sandboxEnv } from '../../dist/cli/sandbox-config.js';

/**
 * A ccsnap Runtime for the sandbox at `url`, built exactly as `ccsnap --sandbox` builds it
 * (src/cli/commands/shared/open-runtime.ts): the sandbox cloud, the sandbox ccsnap config (persistent
 * virsh session through bin/sandbox-virsh.js), and a journal in a fresh temporary directory (a copy of
 * `journalFrom` when given).
 */
export async function openBenchRuntime(url, { hypervisor, create, journalFrom } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'ccsnap-bench-'));
  if (journalFrom) copyFileSync(journalFrom, join(dir, 'journal.db'));
  const config = sandboxCcsnapConfig(url);
  if (hypervisor) config.hypervisor = { ...config.hypervisor, ...hypervisor };
  if (create) config.create = create;
  const settings = await loadSettings({ file: null, cloudName: SANDBOX_CLOUD_NAME, inline: config, env: { ...process.env, ...sandboxEnv() } });
  const rt = new Runtime({ cloud: sandboxCloud(url), settings, journalPath: join(dir, 'journal.db'), watchdogLogPath: join(dir, 'watchdog.log') });
  return {
    rt,
    dir,
    async close() {
      await rt.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
