import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { findConfigFile, loadSettings, type CcsnapSettings } from './config.js';
import { CcsnapError } from './errors.js';
import { defaultJournalPath, isPostgresUrl } from './journal/index.js';
import { resolveCloud, type CloudConfig, type CloudOverrides, type RequestLogHook } from './openstack/index.js';
import { findCloudsFile } from './openstack/config-files.js';
import { Runtime } from './runtime.js';

/** What a Runtime is built from; every field is optional and has the default the CLI has without flags. */
export interface ComposeOptions {
  /** OS_*, CCSNAP_CONFIG, CCSNAP_JOURNAL, XDG_*, HOME and the array key variables come from here (default: process.env). */
  env?: NodeJS.ProcessEnv;
  /**
   * The cloud: a name in clouds.yaml (like --os-cloud), or an already resolved cloud. Without it, the cloud
   * is OS_CLOUD's, or the one the OS_* variables describe, or the only one in clouds.yaml.
   */
  cloud?: string | CloudConfig;
  /** Values that win over OS_* variables and clouds.yaml (the CLI's --os-* flags). */
  overrides?: CloudOverrides;
  /**
   * ccsnap's settings: a config file (like --config), or the settings themselves (`{ inline }`, one cloud's
   * section or a whole file). Default: $CCSNAP_CONFIG, then the config search path, then the cloud's own
   * `ccsnap:` entry in clouds.yaml, else no settings (no arrays).
   */
  config?: string | { inline: Record<string, unknown> };
  /** The journal database (like --journal). Default: $CCSNAP_JOURNAL, the settings' `journal:`, then `stateDir`. */
  journalPath?: string;
  /**
   * Directory of the default journal (journal.db) and of the watchdog's log. Default: the journal's own
   * directory for the log and ${XDG_STATE_HOME:-~/.local/state}/ccsnap for the journal.
   */
  stateDir?: string;
  /** Per-request timeout (ms) of every HTTP request, OpenStack and arrays (like --timeout). */
  timeoutMs?: number;
  onRequest?: RequestLogHook;
}

/**
 * The composition root: the one place that turns settings into a Runtime. It resolves the cloud the way
 * python-openstackclient does, loads ccsnap's settings for it, and picks the journal and the watchdog log.
 * A command never runs against a cloud nobody named: with no cloud configured it throws
 * CCSNAP_CONFIG_NO_CLOUD (it never falls back to a sandbox). A journal path someone named must be in an
 * existing directory (CCSNAP_JOURNAL_DIR): a typo must not start an empty journal.
 */
export async function composeRuntime(options: ComposeOptions = {}): Promise<Runtime> {
  const env = options.env ?? process.env;
  const cloud = typeof options.cloud === 'object' ? options.cloud : resolveNamedCloud(options, env);
  const settings = await loadCloudSettings(options.config, cloud, env);
  const named = options.journalPath ?? (env.CCSNAP_JOURNAL || undefined) ?? settings.journalPath ?? undefined;
  if (named !== undefined && !isPostgresUrl(named)) requireJournalDir(named);
  const journalPath = named ?? (options.stateDir ? join(options.stateDir, 'journal.db') : defaultJournalPath(env));
  return new Runtime({
    cloud,
    settings,
    journalPath,
    // The watchdog's log sits next to a SQLite journal (or in the state directory given); with a PostgreSQL
    // journal, in the default state directory.
    watchdogLogPath: join(
      options.stateDir ?? dirname(isPostgresUrl(journalPath) ? defaultJournalPath({ ...env, CCSNAP_JOURNAL: '' }) : journalPath),
      'watchdog.log',
    ),
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    ...(options.onRequest ? { onRequest: options.onRequest } : {}),
  });
}

function resolveNamedCloud(options: ComposeOptions, env: NodeJS.ProcessEnv): CloudConfig {
  const name = typeof options.cloud === 'string' ? options.cloud : undefined;
  const overrides = options.overrides ?? {};
  if (!cloudConfigured(name, overrides, env)) {
    throw new CcsnapError(
      'CCSNAP_CONFIG_NO_CLOUD',
      'no cloud is configured (no cloud name, OS_CLOUD, OS_AUTH_URL or OS_CLIENT_CONFIG_FILE, and no clouds.yaml found)',
      {
        details: typeof options.config === 'string' ? { config: options.config } : {},
      },
    );
  }
  return resolveCloud({ env, ...(name !== undefined ? { cloud: name } : {}), overrides });
}

/** A cloud is named (cloud name, OS_CLOUD, an auth URL, OS_CLIENT_CONFIG_FILE) or a clouds.yaml exists. */
function cloudConfigured(name: string | undefined, overrides: CloudOverrides, env: NodeJS.ProcessEnv): boolean {
  if (name || overrides.cloud || env.OS_CLOUD || overrides.authUrl || env.OS_AUTH_URL || env.OS_CLIENT_CONFIG_FILE) return true;
  return findCloudsFile(env) !== undefined;
}

async function loadCloudSettings(config: ComposeOptions['config'], cloud: CloudConfig, env: NodeJS.ProcessEnv): Promise<CcsnapSettings> {
  if (typeof config === 'object') return loadSettings({ file: null, cloudName: cloud.name, env, inline: config.inline });
  const file = findConfigFile(config, env);
  const own = cloud.raw.ccsnap;
  const inline = !file && isDict(own) ? own : undefined;
  return loadSettings({ file, cloudName: cloud.name, env, ...(inline ? { inline } : {}) });
}

function requireJournalDir(path: string): void {
  if (!existsSync(dirname(path))) {
    throw new CcsnapError('CCSNAP_JOURNAL_DIR', `the journal's directory ${dirname(path)} does not exist (journal ${path})`, { details: { journal: path } });
  }
}

function isDict(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
