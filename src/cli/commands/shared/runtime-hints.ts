import { CcsnapError, isCcsnapError, type CcsnapErrorCode } from '../../../core.js';
import type { Runtime } from '../../../index.js';
import type { CommandContext } from '../../types.js';

/** A command's Runtime and how to release it (and the sandbox it runs on, if any). */
export interface OpenedRuntime {
  rt: Runtime;
  /** Set when ccsnap runs against its built-in sandbox. */
  sandboxUrl?: string;
  close(): Promise<void>;
}

/**
 * The composition root's messages state facts; the CLI adds which flag, variable or command fixes them.
 * No cloud configured: how to configure one, or how to try the sandbox.
 */
export function withCloudHint<T>(ctx: CommandContext, pending: Promise<T>): Promise<T> {
  const config = ctx.globals.config ? `; --config ${ctx.globals.config} is ccsnap's own config and names no cloud` : '';
  return withHint(pending, 'CCSNAP_CONFIG_NO_CLOUD', `${config}; set OS_CLOUD or pass --os-cloud NAME with the cloud in clouds.yaml (or set OS_AUTH_URL and the other OS_* variables); to try ccsnap without a cloud, add --sandbox or run 'ccsnap tour'`);
}

/** A journal directory that does not exist: which flag, variable or setting named it. */
export function withJournalHint<T>(pending: Promise<T>): Promise<T> {
  return withHint(pending, 'CCSNAP_JOURNAL_DIR', "; create it, or fix --journal / $CCSNAP_JOURNAL / the config's journal:");
}

async function withHint<T>(pending: Promise<T>, code: CcsnapErrorCode, hint: string): Promise<T> {
  try {
    return await pending;
  } catch (err) {
    if (!isCcsnapError(err) || err.code !== code) throw err;
    throw new CcsnapError(code, `${err.message}${hint}`, { details: err.details, cause: err, exitCode: err.exitCode });
  }
}
