import { startSandboxRuntime as startWith, type SandboxRuntime, type StartSandboxRuntimeOptions } from '../../src/sandbox-entry.js';

export type { SandboxRuntime } from '../../src/sandbox-entry.js';

/**
 * The sandbox entry's one builder (`startSandboxRuntime`: an in-memory sandbox and a Runtime composed as
 * `ccsnap --sandbox` composes its own) with the ops tests' default: Nova's os-stop/os-start take 50 ms.
 */
export function startSandboxRuntime(opts: StartSandboxRuntimeOptions = {}): Promise<SandboxRuntime> {
  return startWith({ powerDelayMs: 50, ...opts });
}
