import { dirname, resolve } from 'node:path';
import { composeSandboxRuntime, startSandbox } from '../sandbox-entry.js';
import { waitForLock } from './sandbox-lock.js';
import { defaultStatePath, readServerInfo } from './sandbox-paths.js';
import type { OpenedRuntime } from './commands/shared/opened-runtime.js';
import type { CommandContext } from './types.js';
import { withDeadline } from '../index.js';

/**
 * The Runtime of a `--sandbox` command (open-runtime.ts loads this module with a dynamic import, only with
 * --sandbox): the sandbox of openSandboxSession, composed by the composition root with the sandbox cloud and
 * config; the journal (unless --journal) and the watchdog log next to the state file.
 */
export async function openSandboxRuntime(ctx: CommandContext): Promise<OpenedRuntime> {
  const statePath = defaultStatePath(ctx.env);
  const session = await openSandboxSession(ctx, { statePath });
  ctx.log.info(
    session.inProcess
      ? `using the built-in sandbox cloud (in-process at ${session.url}, state ${statePath}); configure clouds.yaml or OS_* to use a real cloud`
      : `using the running sandbox at ${session.url}`,
  );
  try {
    const rt = await composeSandboxRuntime(session.url, {
      env: ctx.env,
      stateDir: dirname(statePath),
      ...(session.rollbackPolicy ? { rollback: session.rollbackPolicy } : {}),
      ...(ctx.globals.journal ? { journalPath: ctx.globals.journal } : {}),
      ...(ctx.globals.timeout !== undefined ? { timeoutMs: ctx.globals.timeout * 1000 } : {}),
    });
    return {
      rt,
      sandboxUrl: session.url,
      close: async () => {
        await rt.close();
        await session.close();
      },
    };
  } catch (err) {
    await session.close();
    throw err;
  }
}

/** The sandbox a `--sandbox` command talks to. */
export interface SandboxSession {
  url: string;
  /** The sandbox array's rollback semantics, when known (ccsnap's config then declares the same). */
  rollbackPolicy?: string;
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
  // A running `sandbox serve` is shared by every command; else this command owns the state file for its
  // whole run (in-process sandboxes on one state file take turns), see sandbox-lock.ts.
  const got = await waitForLock(statePath, 'command', {
    signal: ctx.signal,
    stop: () => readServerInfo(statePath),
    onWait: (h) =>
      ctx.log.info(
        `waiting for the sandbox state ${statePath}: ${h.kind === 'serve' ? '`sandbox serve`' : `another ccsnap ${h.kind}`} (pid ${h.pid}) holds it`,
      ),
  });
  if (!('release' in got)) {
    ctx.log.debug('using the running sandbox', { url: got.url, pid: got.pid });
    return session(got.url, false, async () => {}, await fetchRollbackPolicy(got.url, (ctx.globals.timeout ?? 5) * 1000));
  }
  try {
    const sandbox = await startSandbox({ host: '127.0.0.1', port: 0, statePath });
    ctx.log.debug('started an in-process sandbox', { url: sandbox.url, statePath });
    return session(
      sandbox.url,
      true,
      async () => {
        try {
          await sandbox.close();
        } finally {
          got.release();
        }
      },
      sandbox.ctx.state.array.rollbackPolicy,
    );
  } catch (err) {
    got.release();
    throw err;
  }
}

/** The running sandbox array's rollback semantics, so ccsnap plans rollbacks the way that array behaves. */
async function fetchRollbackPolicy(url: string, timeoutMs: number): Promise<string | undefined> {
  try {
    return await withDeadline(timeoutMs, undefined, async (signal) => {
      const res = await fetch(`${url}/_sandbox/info`, { signal });
      return res.ok ? ((await res.json()) as { rollbackPolicy?: string }).rollbackPolicy : undefined;
    });
  } catch {
    return undefined;
  }
}

function session(url: string, inProcess: boolean, close: () => Promise<void>, rollbackPolicy?: string): SandboxSession {
  return { url, inProcess, close, ...(rollbackPolicy ? { rollbackPolicy } : {}) };
}
