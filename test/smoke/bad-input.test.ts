import { execFile } from 'node:child_process';
import { createServer } from 'node:https';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/index.js';
import { generateSelfSignedCert } from '../component/openstack/helpers/test-server.js';

const BIN = new URL('../../bin/ccsnap.js', import.meta.url).pathname;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI with only the given environment (no OS_* leaking in from the machine). */
function run(args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: env.HOME ?? tmpdir(), ...env } },
      (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** One line on stderr, ending in [CODE], exit 1, and no stack trace. */
function expectOneLineError(r: Run, code: string): void {
  expect(r.code).toBe(1);
  const lines = r.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(new RegExp(`^ccsnap: error: .*\\[${code}\\]$`));
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

describe('bad input to a real-cloud configuration gives one line with a stable code', () => {
  let sandbox: RunningSandbox;
  let dir: string;
  let tls: ReturnType<typeof createServer>;
  let tlsUrl: string;
  const clouds = (entries: Record<string, unknown>): string => {
    const file = join(dir, `clouds-${Object.keys(entries).join('-')}.yaml`);
    writeFileSync(file, stringify({ clouds: entries }));
    return file;
  };
  const cloud = (authUrl: string, password = 'sandbox') => ({
    auth: { auth_url: authUrl, username: 'admin', password, project_name: 'admin', user_domain_name: 'Default', project_domain_name: 'Default' },
    region_name: 'RegionOne',
  });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ccsnap-badinput-'));
    sandbox = await startSandbox();
    const cert = await generateSelfSignedCert();
    cert.dispose(); // the key and certificate are in memory now
    tls = createServer({ key: cert.key, cert: cert.cert }, (_req, res) => res.end('{}'));
    await new Promise<void>((r) => tls.listen(0, '127.0.0.1', () => r()));
    tlsUrl = `https://127.0.0.1:${(tls.address() as AddressInfo).port}/v3`;
  });
  afterAll(async () => {
    tls.close();
    await sandbox.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('unknown cloud name', async () => {
    const file = clouds({ good: cloud(`${sandbox.url}/identity/v3`) });
    const r = await run(['--os-cloud', 'nope', 'instances'], { OS_CLIENT_CONFIG_FILE: file });
    expectOneLineError(r, 'CCSNAP_CONFIG_CLOUD_NOT_FOUND');
    expect(r.stderr).toContain('good');
  });

  it('missing credentials', async () => {
    const r = await run(['instances'], { OS_AUTH_URL: `${sandbox.url}/identity/v3`, OS_PROJECT_NAME: 'admin' });
    expectOneLineError(r, 'CCSNAP_CONFIG_MISSING_AUTH');
  });

  it('wrong password (and the password never appears)', async () => {
    const file = clouds({ wrongpw: cloud(`${sandbox.url}/identity/v3`, 'S3cret-Wr0ng') });
    const r = await run(['--os-cloud', 'wrongpw', 'instances'], { OS_CLIENT_CONFIG_FILE: file });
    expectOneLineError(r, 'CCSNAP_AUTH_FAILED');
    expect(r.stderr).not.toContain('S3cret-Wr0ng');
  });

  it('unreachable endpoint', async () => {
    const file = clouds({ down: cloud('http://127.0.0.1:9/v3') });
    const r = await run(['--os-cloud', 'down', 'instances'], { OS_CLIENT_CONFIG_FILE: file });
    expectOneLineError(r, 'CCSNAP_HTTP_UNREACHABLE');
  });

  it('TLS failure (self-signed certificate, no CA given)', async () => {
    const file = clouds({ tls: cloud(tlsUrl) });
    const r = await run(['--os-cloud', 'tls', 'instances'], { OS_CLIENT_CONFIG_FILE: file });
    expectOneLineError(r, 'CCSNAP_HTTP_TLS');
  });

  describe('bad array configuration', () => {
    const config = (array: Record<string, unknown>): string => {
      const file = join(dir, `ccsnap-${Math.random().toString(36).slice(2)}.yaml`);
      writeFileSync(file, stringify({ clouds: { sb: { arrays: [{ name: 'ec1', ...array }] } } }));
      return file;
    };
    const keyFile = (mode: number, key = 'sandbox-elasticenter-key'): string => {
      const file = join(dir, `key-${Math.random().toString(36).slice(2)}`);
      writeFileSync(file, `${key}\n`, { mode });
      return file;
    };
    const listWith = async (cfg: string) =>
      run(['--os-cloud', 'sb', '--config', cfg, '--journal', join(dir, 'j.db'), 'list'], {
        OS_CLIENT_CONFIG_FILE: clouds({ sb: cloud(`${sandbox.url}/identity/v3`) }),
      });

    it('missing key file', async () => {
      expectOneLineError(await listWith(config({ url: `${sandbox.url}/client/api`, api_key_file: join(dir, 'no-such-key') })), 'CCSNAP_ARRAY_CONFIG_KEY_FILE');
    });

    it('bad URL', async () => {
      expectOneLineError(await listWith(config({ url: 'not a url', api_key_file: keyFile(0o600) })), 'CCSNAP_ARRAY_CONFIG_URL');
    });

    it('wrong key: the array answers 401, and the key is not shown', async () => {
      const r = await listWith(config({ url: `${sandbox.url}/client/api`, api_key_file: keyFile(0o600, 'Wr0ngKey-xyz') }));
      expectOneLineError(r, 'CCSNAP_ARRAY_AUTH');
      expect(r.stderr).not.toContain('Wr0ngKey-xyz');
    });

    it('a world-readable key file works but warns', async () => {
      const r = await listWith(config({ url: `${sandbox.url}/client/api`, api_key_file: keyFile(0o644) }));
      expect(r.code).toBe(0);
      expect(r.stderr).toMatch(/^ccsnap: warning: .*(readable|permission)/im);
    });
  });

  it('nothing configured: every command fails with one coded line saying how to configure a cloud or try the sandbox (no silent sandbox)', async () => {
    const home = mkdtempSync(join(tmpdir(), 'ccsnap-home-'));
    try {
      const env = { HOME: home, CCSNAP_SANDBOX_DIR: join(home, 'sb') };
      for (const args of [
        ['instances'],
        ['list'],
        ['-q', 'create', 'web-1'],
        ['show', 'abc'],
        ['delete', 'web-1', '--keep-last', '1', '--yes'],
        ['--config', join(home, 'ccsnap.yaml'), 'list'],
      ]) {
        const r = await run(args, env);
        expectOneLineError(r, 'CCSNAP_CONFIG_NO_CLOUD');
        expect(r.stdout).toBe('');
        expect(r.stderr).toMatch(/OS_CLOUD/);
        expect(r.stderr).toMatch(/--sandbox/);
        expect(r.stderr).toMatch(/ccsnap tour/);
      }
      expect(existsSync(join(home, 'sb'))).toBe(false);
      const sandboxed = await run(['--sandbox', 'instances', '-f', 'value', '-c', 'Name'], env);
      expect(sandboxed.code).toBe(0);
      expect(sandboxed.stdout).toContain('web-1');
      expect(sandboxed.stderr).toBe('');
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });

  it('--debug adds details but still no secrets', async () => {
    const file = clouds({ wrongpw2: cloud(`${sandbox.url}/identity/v3`, 'S3cret-Wr0ng') });
    const r = await run(['--debug', '--os-cloud', 'wrongpw2', 'instances'], { OS_CLIENT_CONFIG_FILE: file });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('CCSNAP_AUTH_FAILED');
    expect(r.stderr).not.toContain('S3cret-Wr0ng');
  });
});
