import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { findConfigFile, loadSettings } from '../../../config.js';
import { defaultJournalPath } from '../../../journal/index.js';
import { resolveCloud, type CloudConfig } from '../../../openstack/index.js';
import { Runtime } from '../../../runtime.js';
import { defaultStatePath } from '../../sandbox-paths.js';
import { SANDBOX_CLOUD_NAME } from '../../sandbox-config.js';
import { openSandboxSession } from '../../sandbox-session.js';
import type { CommandContext } from '../../types.js';
import { cloudOverrides } from '../../globals.js';
import { CcsnapError } from '../../../errors.js';

export interface OpenedRuntime {
  rt: Runtime;
  /** Set when ccsnap runs against its built-in sandbox. */
  sandboxUrl?: string;
  close(): Promise<void>;
}

/**
 * Builds the Runtime for a command. With --sandbox, ccsnap uses its built-in sandbox cloud: a running
 * `ccsnap sandbox serve` if there is one, else an in-process sandbox on 127.0.0.1 for this command.
 * Without --sandbox and with no cloud configured, the command fails: a cron job that lost OS_CLOUD must
 * not "succeed" against a demo cloud.
 */
export async function openRuntime(ctx: CommandContext): Promise<OpenedRuntime> {
  if (ctx.globals.sandbox) return openSandboxRuntime(ctx);
  if (!cloudConfigured(ctx)) {
    throw new CcsnapError('CCSNAP_CONFIG_NO_CLOUD', `no cloud is configured${ctx.globals.config ? ` (--config ${ctx.globals.config} names no cloud)` : ''}: set OS_CLOUD or pass --os-cloud NAME with the cloud in clouds.yaml (or set OS_AUTH_URL and the other OS_* variables); to try ccsnap without a cloud, add --sandbox or run 'ccsnap tour'`);
  }
  const { globals, env } = ctx;
  const cloud = resolveCloud({ env, ...(globals.osCloud ? { cloud: globals.osCloud } : {}), overrides: cloudOverrides(globals) });
  const file = findConfigFile(globals.config, env);
  const inline = !file && isDict(cloud.raw.ccsnap) ? (cloud.raw.ccsnap as Record<string, unknown>) : undefined;
  const settings = await loadSettings({ file, cloudName: cloud.name, env, ...(inline ? { inline } : {}) });
  const journalPath = globals.journal ?? settings.journalPath ?? defaultJournalPath(env);
  if (globals.journal ?? settings.journalPath) requireJournalDir(journalPath);
  // The watchdog's log sits next to the journal in use (its directory exists once the journal is opened).
  const rt = new Runtime({ cloud, settings, journalPath, ...timeout(ctx), watchdogLogPath: join(dirname(journalPath), 'watchdog.log') });
  warnSettings(ctx, settings.warnings);
  return { rt, close: () => rt.close() };
}

/** A cloud is named (--os-cloud, OS_CLOUD, OS_AUTH_URL, OS_CLIENT_CONFIG_FILE) or a clouds.yaml exists. */
function cloudConfigured(ctx: CommandContext): boolean {
  const { globals, env } = ctx;
  if (globals.osCloud || env.OS_CLOUD || globals.osAuthUrl || env.OS_AUTH_URL || env.OS_CLIENT_CONFIG_FILE) return true;
  const configHome = env.XDG_CONFIG_HOME || join(env.HOME ?? '', '.config');
  return ['clouds.yaml', 'clouds.yml', join(configHome, 'openstack', 'clouds.yaml'), '/etc/openstack/clouds.yaml'].some((p) => existsSync(p));
}

async function openSandboxRuntime(ctx: CommandContext): Promise<OpenedRuntime> {
  const statePath = defaultStatePath(ctx.env);
  const session = await openSandboxSession(ctx, { statePath });
  ctx.log.info(session.inProcess
    ? `using the built-in sandbox cloud (in-process at ${session.url}, state ${statePath}); configure clouds.yaml or OS_* to use a real cloud`
    : `using the running sandbox at ${session.url}`);
  const settings = await loadSettings({ file: null, cloudName: session.cloudName, inline: session.ccsnapConfig, env: { ...ctx.env, ...session.env } });
  const journalPath = ctx.globals.journal ?? join(dirname(statePath), 'journal.db');
  if (ctx.globals.journal) requireJournalDir(journalPath);
  const rt = new Runtime({ cloud: sandboxCloud(session.url), settings, journalPath, ...timeout(ctx), watchdogLogPath: join(dirname(statePath), 'watchdog.log') });
  return {
    rt,
    sandboxUrl: session.url,
    close: async () => {
      await rt.close();
      await session.close();
    },
  };
}

export function sandboxCloud(url: string): CloudConfig {
  return {
    name: SANDBOX_CLOUD_NAME,
    authType: 'password',
    auth: { authUrl: `${url}/identity/v3`, username: 'admin', password: 'sandbox', projectName: 'admin', userDomainName: 'Default', projectDomainName: 'Default' },
    regionName: 'RegionOne',
    interface: 'public',
    insecure: false,
    raw: {},
  };
}

function timeout(ctx: CommandContext): { timeoutMs?: number } {
  return ctx.globals.timeout !== undefined ? { timeoutMs: ctx.globals.timeout * 1000 } : {};
}

function warnSettings(ctx: CommandContext, warnings: Array<{ message: string }>): void {
  for (const w of warnings) ctx.log.warn(w.message);
}

function isDict(v: unknown): boolean {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A journal path the user named must be in an existing directory: a typo must not start an empty journal. */
function requireJournalDir(path: string): void {
  if (!existsSync(dirname(path))) {
    throw new CcsnapError('CCSNAP_JOURNAL_DIR', `the journal's directory ${dirname(path)} does not exist (journal ${path}); create it, or fix --journal / the config's journal:`);
  }
}
