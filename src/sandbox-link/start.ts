import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Runtime } from '../runtime.js';
import { emptyState, seedDemoState, startSandbox, type FaultRule, type RunningSandbox, type SandboxState } from '../sandbox/index.js';
import { composeSandboxRuntime } from './runtime.js';

export type SandboxRollbackPolicy = SandboxState['array']['rollbackPolicy'];

export interface StartSandboxRuntimeOptions {
  /** The state to serve (default: the demo inventory). */
  state?: SandboxState;
  /** Edits the state before the sandbox starts. */
  prepare?: (state: SandboxState) => void;
  /** The array's rollback policy, and the semantics ccsnap's config declares for it (the same). */
  rollback?: SandboxRollbackPolicy;
  faults?: FaultRule[];
  /** Extra time (ms) Nova takes for os-stop/os-start (default: the sandbox's). */
  powerDelayMs?: number;
  hypervisor?: Record<string, unknown>;
  create?: Record<string, unknown>;
}

export interface SandboxRuntime {
  sandbox: RunningSandbox;
  rt: Runtime;
  /** A fresh temporary directory (journal, watchdog log), removed by close(). */
  dir: string;
  journalPath: string;
  /** Another Runtime on the same sandbox (e.g. with a fresh journal); closed by close(). */
  open(opts?: { journalPath?: string }): Promise<Runtime>;
  close(): Promise<void>;
}

/**
 * An in-memory sandbox on 127.0.0.1 in this process and a Runtime for it, composed as `ccsnap --sandbox` composes
 * its own: the one way tests and the bench build a sandbox runtime. The environment is not read (no
 * CCSNAP_JOURNAL or OS_* of the caller leaks in).
 */
export async function startSandboxRuntime(options: StartSandboxRuntimeOptions = {}): Promise<SandboxRuntime> {
  const state = options.state ?? seedDemoState(emptyState());
  if (options.rollback) state.array.rollbackPolicy = options.rollback;
  if (options.powerDelayMs !== undefined) state.nova.powerDelayMs = options.powerDelayMs;
  options.prepare?.(state);
  const sandbox = await startSandbox({ host: '127.0.0.1', port: 0, state, faults: options.faults ?? [] });
  const dir = await mkdtemp(join(tmpdir(), 'ccsnap-sandbox-rt-'));
  const journalPath = join(dir, 'journal.db');
  const runtimes: Runtime[] = [];
  const open = async (o: { journalPath?: string } = {}): Promise<Runtime> => {
    const rt = await composeSandboxRuntime(sandbox.url, {
      env: {},
      stateDir: dir,
      journalPath: o.journalPath ?? journalPath,
      ...(options.rollback ? { rollback: options.rollback } : {}),
      ...(options.hypervisor ? { hypervisor: options.hypervisor } : {}),
      ...(options.create ? { create: options.create } : {}),
    });
    runtimes.push(rt);
    return rt;
  };
  try {
    const rt = await open();
    return {
      sandbox,
      rt,
      dir,
      journalPath,
      open,
      async close() {
        await Promise.allSettled(runtimes.map((r) => r.close()));
        await sandbox.close();
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await sandbox.close();
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}
