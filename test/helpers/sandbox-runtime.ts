import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sandboxCloud } from '../../src/cli/commands/shared/open-runtime.js';
import { sandboxCcsnapConfig, SANDBOX_API_KEY_ENV, SANDBOX_CLOUD_NAME } from '../../src/cli/sandbox-config.js';
import { loadSettings } from '../../src/config.js';
import { Runtime } from '../../src/runtime.js';
import { emptyState, seedDemoState, startSandbox, SANDBOX_API_KEY, type FaultRule, type RunningSandbox, type SandboxState } from '../../src/sandbox/index.js';
import type { RollbackPolicy } from './sandbox-cli.js';

export interface SandboxRuntime {
  sandbox: RunningSandbox;
  rt: Runtime;
  dir: string;
  journalPath: string;
  /** A second Runtime on the same sandbox (e.g. with a fresh journal); closed by close(). */
  open(opts?: { journalPath?: string }): Promise<Runtime>;
  close(): Promise<void>;
}

/**
 * An in-memory sandbox on 127.0.0.1 and a library Runtime for it, built as the CLI builds its `--sandbox`
 * runtime, for calling `src/ops/*` directly. `rollback` sets both the array's policy and ccsnap's config.
 */
export async function startSandboxRuntime(opts: { rollback?: RollbackPolicy; prepare?: (state: SandboxState) => void; faults?: FaultRule[]; powerDelayMs?: number } = {}): Promise<SandboxRuntime> {
  const state = seedDemoState(emptyState());
  if (opts.rollback) state.array.rollbackPolicy = opts.rollback;
  state.nova.powerDelayMs = opts.powerDelayMs ?? 50;
  opts.prepare?.(state);
  const sandbox = await startSandbox({ host: '127.0.0.1', port: 0, state, faults: opts.faults ?? [] });
  const dir = await mkdtemp(join(tmpdir(), 'ccsnap-ops-'));
  const journalPath = join(dir, 'journal.db');
  const config = sandboxCcsnapConfig(sandbox.url);
  const arrays = (config.arrays as Array<Record<string, unknown>>).map((a) => ({ ...a, rollback: opts.rollback ?? 'newest-only' }));
  const settings = await loadSettings({ file: null, cloudName: SANDBOX_CLOUD_NAME, inline: { ...config, arrays }, env: { [SANDBOX_API_KEY_ENV]: SANDBOX_API_KEY } });
  const runtimes: Runtime[] = [];
  const open = async (o: { journalPath?: string } = {}): Promise<Runtime> => {
    const rt = new Runtime({ cloud: sandboxCloud(sandbox.url), settings, journalPath: o.journalPath ?? journalPath, watchdogLogPath: join(dir, 'watchdog.log') });
    runtimes.push(rt);
    return rt;
  };
  const rt = await open();
  return {
    sandbox, rt, dir, journalPath, open,
    async close() {
      await Promise.allSettled(runtimes.map((r) => r.close()));
      await sandbox.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
