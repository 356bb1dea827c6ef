import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const execFileP = promisify(execFile);
const ROOT = new URL('../../', import.meta.url).pathname;
const BIN = join(ROOT, 'bin', 'ccsnap.js');
let sandboxDir: string;

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

async function ccsnap(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Result> {
  try {
    const { stdout, stderr } = await execFileP(process.execPath, [BIN, ...args], { env: { ...process.env, CCSNAP_SANDBOX_DIR: sandboxDir, ...env } });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

beforeAll(() => {
  if (!existsSync(join(ROOT, 'dist', 'cli', 'main.js'))) throw new Error('dist/ is missing: run `npm run build` (npm test does)');
  sandboxDir = mkdtempSync(join(tmpdir(), 'ccsnap-smoke-'));
});

afterAll(() => {
  rmSync(sandboxDir, { recursive: true, force: true });
});

describe('built CLI', () => {
  it('--help lists the commands and exits 0', async () => {
    const r = await ccsnap(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: ccsnap [options] [command]');
    for (const name of ['instances', 'create', 'list', 'show', 'rollback', 'delete', 'recover', 'sandbox']) {
      expect(r.stdout).toMatch(new RegExp(`\\n  ${name}\\s`));
    }
    expect(r.stderr).toBe('');
  });

  it('--version prints the package version', async () => {
    const r = await ccsnap(['--version']);
    expect(r).toEqual({ code: 0, stdout: 'ccsnap 0.1.0\n', stderr: '' });
  });

  it('a usage error exits 2 with one line on stderr', async () => {
    const r = await ccsnap(['_echo', '--no-such-option']);
    expect(r).toEqual({ code: 2, stdout: '', stderr: "ccsnap: error: unknown option '--no-such-option' [CCSNAP_USAGE]\n" });
  });

  it('an unknown command exits 2 with one line', async () => {
    const r = await ccsnap(['frobnicate']);
    expect(r).toEqual({ code: 2, stdout: '', stderr: "ccsnap: error: unknown command 'frobnicate' [CCSNAP_USAGE]\n" });
  });

  it('an error exits 1 with one line and no stack', async () => {
    const r = await ccsnap(['_echo', '--fail', 'crash']);
    expect(r).toEqual({ code: 1, stdout: '', stderr: 'ccsnap: error: unexpected crash for testing [CCSNAP_INTERNAL]\n' });
  });

  it('prints JSON that jq-style consumers can parse', async () => {
    const r = await ccsnap(['_echo', '-f', 'json', '-c', 'ID', '-c', 'Volumes']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)[0]).toEqual({ ID: '5c1b7e8a-0d7a-4c53-9a55-3f5e0b0f9a01', Volumes: ['vol-a', 'vol-b'] });
  });

  it('SIGINT aborts a running command and exits 130', async () => {
    const child = spawn(process.execPath, [BIN, '_echo', '--wait', '-f', 'value', '-c', 'Name'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let signalled = false;
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('waiting') && !signalled) {
        signalled = true;
        child.kill('SIGINT');
      }
    });
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    expect(code).toBe(130);
    expect(out).toContain('web-1\n');
  });
});

describe('built CLI: sandbox serve', () => {
  it('prints the endpoints and a clouds.yaml entry, serves the control API, stops on SIGTERM', async () => {
    const child = spawn(process.execPath, [BIN, 'sandbox', 'serve', '--port', '0', '--fault', '{"service":"array","key":"listFileSystem","latencyMs":1}'], {
      env: { ...process.env, CCSNAP_SANDBOX_DIR: sandboxDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    let out = '';
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('Press Ctrl-C to stop.')) resolve();
      });
      child.on('exit', () => reject(new Error(`sandbox serve exited early: ${out}`)));
    });
    const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1];
    expect(url).toBeDefined();
    const yamlBlock = /\n(clouds:\n(?: {2}.*\n)+)/.exec(out)?.[1];
    const clouds = parse(yamlBlock ?? '') as { clouds: Record<string, { auth: Record<string, string>; region_name: string }> };
    expect(clouds.clouds['ccsnap-sandbox']).toEqual(
      expect.objectContaining({
        auth: {
          auth_url: `${url}/identity/v3`,
          username: 'admin',
          password: 'sandbox',
          project_name: 'admin',
          user_domain_name: 'Default',
          project_domain_name: 'Default',
        },
        region_name: 'RegionOne',
      }),
    );
    expect(existsSync(join(sandboxDir, 'state.json'))).toBe(true);

    const listed = await ccsnap(['sandbox', 'faults', 'list', '-f', 'json']);
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.stdout)).toEqual([
      { ID: 1, Service: 'array', Key: 'listFileSystem', Target: null, Effect: 'latency 1ms', Times: null, After: null },
    ]);
    const added = await ccsnap(['sandbox', 'faults', 'add', '--url', url!, '--service', 'hypervisor', '--hang', '-f', 'value', '-c', 'id']);
    expect(added).toEqual({ code: 0, stdout: '2\n', stderr: '' });
    // delays and hangs inside the guest's agent (the component tests show their effect)
    const agent = await ccsnap([
      'sandbox',
      'faults',
      'add',
      '--url',
      url!,
      '--service',
      'agent',
      '--key',
      'freeze',
      '--target',
      'instance-00000001',
      '--latency-ms',
      '3000',
      '--times',
      '1',
      '-f',
      'json',
    ]);
    expect(agent.code).toBe(0);
    expect(JSON.parse(agent.stdout)).toMatchObject({ id: 3, service: 'agent', key: 'freeze', target: 'instance-00000001', latencyMs: 3000, times: 1 });
    expect((await ccsnap(['sandbox', 'faults', 'clear'])).code).toBe(0);
    expect(JSON.parse((await ccsnap(['sandbox', 'faults', 'list', '--url', url!, '-f', 'json'])).stdout)).toEqual([]);

    child.kill('SIGTERM');
    expect(await exited).toBe(143);
    expect(existsSync(join(sandboxDir, 'server.json'))).toBe(false);
  });

  it('sandbox reset re-seeds the state file', async () => {
    const r = await ccsnap(['sandbox', 'reset', '-f', 'json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ state_file: join(sandboxDir, 'state.json'), servers: 7, volumes: expect.any(Number), removed: expect.any(Array) });
  });
});

describe('built CLI: tour', () => {
  it('runs the guided tour against its own sandbox (every step passes --sandbox) and exits 0', async () => {
    const r = await ccsnap(['tour']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/\$ ccsnap create web-1 --name before-upgrade/);
    // it leaves its sandbox to explore, and says so
    expect(r.stdout).toMatch(/# Done\. The sandbox stays in /);
  }, 240_000); // a dozen CLI runs, one after the other
});
