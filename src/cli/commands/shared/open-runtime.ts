import type { CommandContext } from '../../types.js';
import { cloudOverrides } from '../../globals.js';
import type { OpenedRuntime } from './opened-runtime.js';

export type { OpenedRuntime } from './opened-runtime.js';

/**
 * Builds the Runtime for a command through the composition root (src/compose.ts) from the global flags.
 * With --sandbox, ccsnap uses its built-in sandbox cloud (sandbox-session.ts, imported only then: a
 * real-cloud command loads no sandbox code). Without --sandbox and with no cloud configured, the command
 * fails: a cron job that lost OS_CLOUD must not "succeed" against a demo cloud.
 */
export async function openRuntime(ctx: CommandContext): Promise<OpenedRuntime> {
  if (ctx.globals.sandbox) {
    const { openSandboxRuntime } = await import('../../sandbox-session.js');
    return openSandboxRuntime(ctx);
  }
  const { globals, env } = ctx;
  const { composeRuntime } = await import('../../../index.js');
  const rt = await composeRuntime({
    env,
    overrides: cloudOverrides(globals),
    ...(globals.osCloud ? { cloud: globals.osCloud } : {}),
    ...(globals.config ? { config: globals.config } : {}),
    ...(globals.journal ? { journalPath: globals.journal } : {}),
    ...(globals.timeout !== undefined ? { timeoutMs: globals.timeout * 1000 } : {}),
  });
  for (const w of rt.settings.warnings) ctx.log.warn(w.message);
  return { rt, close: () => rt.close() };
}
