import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { composeRuntime } from '../../src/compose.js';
import { rejectionOf } from '../helpers/rejection.js';
import { run } from './cli/helpers.js';

const ROOT = mkdtempSync(join(tmpdir(), 'ccsnap-compose-'));
afterAll(() => rmSync(ROOT, { recursive: true, force: true }));

const AUTH = {
  auth_url: 'http://127.0.0.1:9/identity/v3',
  username: 'u',
  password: 'p',
  project_name: 'x',
  user_domain_name: 'Default',
  project_domain_name: 'Default',
};
const ARRAY = { name: 'a1', url: 'http://127.0.0.1:9/client/api', api_key_env: 'K' };

/** A HOME with nothing in it, plus the files given (relative path -> YAML object). */
function home(name: string, files: Record<string, unknown> = {}): { dir: string; env: NodeJS.ProcessEnv } {
  const dir = join(ROOT, name);
  mkdirSync(join(dir, 'state'), { recursive: true });
  for (const [path, doc] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), stringify(doc));
  }
  return { dir, env: { HOME: dir, XDG_CONFIG_HOME: join(dir, 'config'), XDG_STATE_HOME: join(dir, 'state'), K: 'key' } };
}

describe('composeRuntime: settings in, a Runtime out', () => {
  it('no cloud named and no clouds.yaml: CCSNAP_CONFIG_NO_CLOUD, a factual message without CLI flags', async () => {
    const { env } = home('none');
    const err = await rejectionOf(composeRuntime({ env }));
    expect(err.code).toBe('CCSNAP_CONFIG_NO_CLOUD');
    expect(err.message).not.toMatch(/--|ccsnap tour/);
  });

  it('OS_CLOUD in clouds.yaml with an inline ccsnap: section; journal and watchdog log in the XDG state dir', async () => {
    const { dir, env } = home('inline', { 'config/openstack/clouds.yaml': { clouds: { prod: { auth: AUTH, ccsnap: { arrays: [ARRAY] } } } } });
    const rt = await composeRuntime({ env: { ...env, OS_CLOUD: 'prod' }, timeoutMs: 1234 });
    expect(rt.options.cloud.name).toBe('prod');
    expect(rt.settings.arrays.map((a) => a.name)).toEqual(['a1']);
    expect(rt.options.journalPath).toBe(join(dir, 'state', 'ccsnap', 'journal.db'));
    expect(rt.options.watchdogLogPath).toBe(join(dir, 'state', 'ccsnap', 'watchdog.log'));
    expect(rt.options.timeoutMs).toBe(1234);
  });

  it('a config file wins over the inline section; its journal: is used when its directory exists', async () => {
    const { dir, env } = home('file', {
      'config/openstack/clouds.yaml': { clouds: { prod: { auth: AUTH, ccsnap: { arrays: [ARRAY] } } } },
      'ccsnap.yaml': { clouds: { prod: { arrays: [{ ...ARRAY, name: 'from-file' }], journal: join(ROOT, 'file', 'j', 'journal.db') } } },
    });
    mkdirSync(join(dir, 'j'));
    const rt = await composeRuntime({ env, cloud: 'prod', config: join(dir, 'ccsnap.yaml') });
    expect(rt.settings.arrays.map((a) => a.name)).toEqual(['from-file']);
    expect(rt.options.journalPath).toBe(join(dir, 'j', 'journal.db'));
    expect(rt.options.watchdogLogPath).toBe(join(dir, 'j', 'watchdog.log'));
  });

  it('a named journal in a missing directory: CCSNAP_JOURNAL_DIR (argument, $CCSNAP_JOURNAL or journal:)', async () => {
    const { env } = home('journal', { 'clouds.yaml': { clouds: { prod: { auth: AUTH } } } });
    const cloudEnv = { ...env, OS_CLIENT_CONFIG_FILE: join(ROOT, 'journal', 'clouds.yaml') };
    const missing = join(ROOT, 'journal', 'nope', 'journal.db');
    for (const opts of [
      { journalPath: missing, env: cloudEnv },
      { env: { ...cloudEnv, CCSNAP_JOURNAL: missing } },
      { env: cloudEnv, config: { inline: { journal: missing } } },
    ]) {
      const err = await rejectionOf(composeRuntime(opts));
      expect(err.code).toBe('CCSNAP_JOURNAL_DIR');
      expect(err.message).toBe(`the journal's directory ${join(ROOT, 'journal', 'nope')} does not exist (journal ${missing})`);
    }
  });

  it('a PostgreSQL journal (journal: or $CCSNAP_JOURNAL) is a URL, not a path: no directory check; the watchdog log in the state dir', async () => {
    const { dir, env } = home('pg', { 'clouds.yaml': { clouds: { prod: { auth: AUTH } } } });
    const cloudEnv = { ...env, OS_CLIENT_CONFIG_FILE: join(ROOT, 'pg', 'clouds.yaml') };
    const url = 'postgresql://ccsnap@db.example:5432/ccsnap';
    for (const opts of [{ env: { ...cloudEnv, CCSNAP_JOURNAL: url } }, { env: cloudEnv, config: { inline: { journal: url } } }]) {
      const rt = await composeRuntime(opts);
      expect(rt.options.journalPath).toBe(url);
      expect(rt.options.watchdogLogPath).toBe(join(dir, 'state', 'ccsnap', 'watchdog.log'));
    }
  });

  it('a resolved cloud and a state directory: no lookup, journal and log in that directory', async () => {
    const { dir, env } = home('resolved');
    const rt = await composeRuntime({
      env,
      stateDir: join(dir, 'sb'),
      config: { inline: { arrays: [ARRAY] } },
      cloud: { name: 'given', authType: 'password', auth: { authUrl: AUTH.auth_url }, interface: 'public', insecure: false, raw: {} },
    });
    expect(rt.options.cloud.name).toBe('given');
    expect(rt.options.journalPath).toBe(join(dir, 'sb', 'journal.db'));
    expect(rt.options.watchdogLogPath).toBe(join(dir, 'sb', 'watchdog.log'));
  });
});

describe("the CLI adds the hint to the composition root's facts", () => {
  it('--journal in a missing directory names the flag, the variable and the setting', async () => {
    const { env } = home('cli');
    const r = await run(['--journal', join(ROOT, 'cli', 'nope', 'j.db'), 'list'], {
      ...env,
      OS_AUTH_URL: AUTH.auth_url,
      OS_USERNAME: 'u',
      OS_PASSWORD: 'p',
      OS_PROJECT_NAME: 'x',
      OS_USER_DOMAIN_NAME: 'Default',
      OS_PROJECT_DOMAIN_NAME: 'Default',
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `ccsnap: error: the journal's directory ${join(ROOT, 'cli', 'nope')} does not exist (journal ${join(ROOT, 'cli', 'nope', 'j.db')}); create it, or fix --journal / $CCSNAP_JOURNAL / the config's journal: [CCSNAP_JOURNAL_DIR]\n`,
    );
  });
});
