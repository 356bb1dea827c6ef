import { composeRuntime } from '../compose.js';
import type { RequestLogHook } from '../openstack/index.js';
import type { Runtime } from '../runtime.js';
import { sandboxCcsnapConfig, sandboxCloud, sandboxEnv } from './cloud.js';

export interface SandboxRuntimeOptions {
  /** The rollback semantics ccsnap's config declares for the sandbox array (default newest-only). */
  rollback?: string;
  /** Keys of the config's `hypervisor:` section to change (YAML names: agent_timeout, command_timeout, session, ...). */
  hypervisor?: Record<string, unknown>;
  /** The config's `create:` section (max_freeze, freeze, concurrency, per_host, thaw_guard). */
  create?: Record<string, unknown>;
  /** The config's `policies:` list (docs/policies.md). */
  policies?: unknown[];
  journalPath?: string;
  /** Directory of the default journal and of the watchdog log (see ComposeOptions.stateDir). */
  stateDir?: string;
  /** Environment for the composition root (default: process.env); the sandbox array key is added. */
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
  onRequest?: RequestLogHook;
}

/**
 * A Runtime for the sandbox at `url`, through the composition root: the sandbox cloud, the sandbox ccsnap
 * config (persistent virsh session through bin/sandbox-virsh.js). What `ccsnap --sandbox` runs on.
 */
export function composeSandboxRuntime(url: string, options: SandboxRuntimeOptions = {}): Promise<Runtime> {
  const config = sandboxCcsnapConfig(url, options.rollback);
  if (options.hypervisor) config.hypervisor = { ...(config.hypervisor as Record<string, unknown>), ...options.hypervisor };
  if (options.create) config.create = options.create;
  if (options.policies) config.policies = options.policies;
  return composeRuntime({
    env: { ...(options.env ?? process.env), ...sandboxEnv() },
    cloud: sandboxCloud(url),
    config: { inline: config },
    ...(options.journalPath !== undefined ? { journalPath: options.journalPath } : {}),
    ...(options.stateDir !== undefined ? { stateDir: options.stateDir } : {}),
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    ...(options.onRequest ? { onRequest: options.onRequest } : {}),
  });
}
