import { resolve } from 'node:path';
import { SANDBOX_CLOUD_NAME, sandboxCcsnapConfig, sandboxCloudEntry, sandboxEnv } from './sandbox-config.js';
import { defaultStatePath, readServerInfo } from './sandbox-paths.js';
import type { CommandContext } from './types.js';

/** The cloud a `--sandbox` command talks to. */
export interface SandboxSession {
  url: string;
  /** Name and clouds.yaml entry (auth_url, username, password, project, domains, region). */
  cloudName: string;
  cloud: Record<string, unknown>;
  /** ccsnap config for this sandbox (see sandboxCcsnapConfig). */
  ccsnapConfig: Record<string, unknown>;
  /** Environment the config refers to (e.g. the array API key variable). */
  env: Record<string, string>;
  /** True when this process started the sandbox (it stops on close()). */
  inProcess: boolean;
  close(): Promise<void>;
}

/**
 * For `--sandbox`: uses the `ccsnap sandbox serve` running on the default state file if there is one,
 * else starts the sandbox inside this process on 127.0.0.1 with that state file (so state persists
 * between commands). Always `await session.close()` when done.
 */
export async function openSandboxSession(ctx: CommandContext, options: { statePath?: string } = {}): Promise<SandboxSession> {
  const statePath = resolve(options.statePath ?? defaultStatePath(ctx.env));
  const running = readServerInfo(statePath);
  if (running) {
    ctx.log.debug('using the running sandbox', { url: running.url, pid: running.pid });
    return session(running.url, false, async () => {}, await fetchRollbackPolicy(running.url, (ctx.globals.timeout ?? 5) * 1000));
  }
  const { startSandbox } = await import('../sandbox/index.js');
  const sandbox = await startSandbox({ host: '127.0.0.1', port: 0, statePath });
  ctx.log.debug('started an in-process sandbox', { url: sandbox.url, statePath });
  return session(sandbox.url, true, () => sandbox.close(), sandbox.ctx.state.array.rollbackPolicy);
}

/** The running sandbox array's rollback semantics, so ccsnap plans rollbacks the way that array behaves. */
async function fetchRollbackPolicy(url: string, timeoutMs: number): Promise<string | undefined> {
  try {
    const res = await fetch(`${url}/_sandbox/info`, { signal: AbortSignal.timeout(timeoutMs) });
    return res.ok ? ((await res.json()) as { rollbackPolicy?: string }).rollbackPolicy : undefined;
  } catch {
    return undefined;
  }
}

function session(url: string, inProcess: boolean, close: () => Promise<void>, rollbackPolicy?: string): SandboxSession {
  return {
    url,
    cloudName: SANDBOX_CLOUD_NAME,
    cloud: sandboxCloudEntry(url),
    ccsnapConfig: sandboxCcsnapConfig(url, rollbackPolicy),
    env: sandboxEnv(),
    inProcess,
    close,
  };
}
