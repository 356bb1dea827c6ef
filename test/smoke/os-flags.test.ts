import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { SANDBOX_API_KEY, SANDBOX_API_KEY_ENV, sandboxCcsnapConfig } from '../../src/sandbox-entry.js';
import { CCSNAP_BIN, cliError, startSandboxCli, type CliResult, type SandboxCli } from '../helpers/sandbox-cli.js';

/** openstackclient's --os-* flags reach Keystone, and win over OS_* variables (no clouds.yaml at all). */
describe('--os-* flags (openstackclient precedence: flag > OS_* > clouds.yaml)', () => {
  let cli: SandboxCli;
  let configPath: string;
  beforeAll(async () => {
    cli = await startSandboxCli();
    configPath = join(cli.dir, 'flags-ccsnap.yaml');
    // A cloud described by flags or OS_* alone is named "envvars", as in os-client-config.
    await writeFile(configPath, stringify({ clouds: { envvars: sandboxCcsnapConfig(cli.url) } }));
  });
  afterAll(async () => cli.close());

  const flags = (password: string) => [
    '--os-auth-url',
    `${cli.url}/identity/v3`,
    '--os-username',
    'admin',
    '--os-password',
    password,
    '--os-project-name',
    'admin',
    '--os-user-domain-name',
    'Default',
    '--os-project-domain-name',
    'Default',
    '--os-region-name',
    'RegionOne',
    '--os-interface',
    'public',
  ];

  function run(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
    const base: NodeJS.ProcessEnv = {};
    for (const [k, v] of Object.entries(process.env)) if (!/^(OS_|CCSNAP_)/.test(k)) base[k] = v;
    const fullEnv = { ...base, HOME: cli.dir, XDG_CONFIG_HOME: join(cli.dir, 'none'), [SANDBOX_API_KEY_ENV]: SANDBOX_API_KEY, ...env };
    return new Promise((resolve) => {
      execFile(
        process.execPath,
        [CCSNAP_BIN, '--config', configPath, '--journal', join(cli.dir, 'flags.db'), ...args],
        { env: fullEnv, timeout: 60_000 },
        (err, stdout, stderr) => {
          resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
        },
      );
    });
  }

  it('flags alone authenticate and list the instances', async () => {
    const r = await run([...flags('sandbox'), 'instances', '-f', 'value', '-c', 'Name', '--sort-column', 'Name']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trimEnd().split('\n')).toEqual(['app-1', 'db-1', 'legacy-1', 'noagent-1', 'stopped-1', 'web-1', 'win-1']);
  });

  it('--os-password wins over OS_PASSWORD, both ways', async () => {
    const good = await run([...flags('sandbox'), 'instances', 'web-1', '-f', 'value', '-c', 'Name'], { OS_PASSWORD: 'wrong' });
    expect(good.code, good.stderr).toBe(0);
    expect(good.stdout).toBe('web-1\n');
    const bad = await run([...flags('wrong'), 'instances', 'web-1'], { OS_PASSWORD: 'sandbox' });
    expect(bad.code).toBe(1);
    expect(cliError(bad.stderr)?.code).toMatch(/AUTH/);
    expect(bad.stderr).not.toContain('wrong');
    expect(bad.stderr.trimEnd().split('\n')).toHaveLength(1);
  });
});
