import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * What an npm user gets: a clean clone (the committed HEAD of this repository), `npm ci`, `npm pack`, the
 * tarball installed into a temporary prefix, and `ccsnap` run from there. One clone and one install for the
 * whole file. `npm ci` in the clone skips install scripts: packing needs only tsc, not the native addon; the
 * install reuses this checkout's compiled better-sqlite3 addon instead of compiling it again.
 */
const ROOT = new URL('../../', import.meta.url).pathname;
const SLOW = 600_000;

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): Promise<Result> {
  return new Promise((resolve) => {
    execFile(cmd, args, { cwd, env, timeout: SLOW, maxBuffer: 32 * 1024 * 1024 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

async function ok(cmd: string, args: string[], cwd: string, env?: NodeJS.ProcessEnv): Promise<string> {
  const r = await run(cmd, args, cwd, env);
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.code}:\n${r.stderr}\n${r.stdout}`);
  return r.stdout;
}

describe('npm pack from a clean clone', () => {
  let dir: string;
  let clone: string;
  let tarball: string;
  let unbuilt: Result;
  const npmEnv = (): NodeJS.ProcessEnv => ({ ...process.env, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ccsnap-pack-'));
    clone = join(dir, 'clone');
    await ok('git', ['clone', '--quiet', ROOT, clone], dir);
    await ok('npm', ['ci', '--ignore-scripts', '--prefer-offline'], clone, npmEnv());
    unbuilt = await run(process.execPath, [join(clone, 'bin', 'ccsnap.js'), '--sandbox', 'instances'], clone);
    const packed = JSON.parse(await ok('npm', ['pack', '--json', '--pack-destination', dir], clone, npmEnv())) as Array<{ filename: string }>;
    tarball = join(dir, packed[0]!.filename);
    // The tarball and its dependencies install as a user's would, except that better-sqlite3's native addon is
    // not compiled again (minutes on a loaded 2-core machine, and better-sqlite3's build, not ours): the one
    // `npm ci` built for this checkout is copied in.
    await ok('npm', ['install', '--global', '--prefix', join(dir, 'prefix'), '--prefer-offline', '--ignore-scripts', tarball], dir, npmEnv());
    const addon = join('node_modules', 'better-sqlite3', 'build', 'Release');
    const installed = join(dir, 'prefix', 'lib', 'node_modules', 'ccsnap', addon);
    await mkdir(installed, { recursive: true });
    await copyFile(join(ROOT, addon, 'better_sqlite3.node'), join(installed, 'better_sqlite3.node'));
  }, SLOW);
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('bin/ccsnap.js in the unbuilt clone says to run npm run build, in one line, exit 1', () => {
    expect(unbuilt.code).toBe(1);
    expect(unbuilt.stdout).toBe('');
    expect(unbuilt.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(unbuilt.stderr).toMatch(/^ccsnap: error: .*run npm run build.* \[CCSNAP_NOT_BUILT\]\n$/);
  });

  it('the tarball holds the built CLI, LICENSE and no source maps', async () => {
    const files = (await ok('tar', ['tzf', tarball], dir)).trimEnd().split('\n');
    expect(files).toEqual(
      expect.arrayContaining([
        'package/bin/ccsnap.js',
        'package/dist/cli/main.js',
        'package/dist/index.js',
        'package/dist/index.d.ts',
        'package/LICENSE',
        'package/package.json',
      ]),
    );
    expect(files.filter((f) => f.endsWith('.map'))).toEqual([]);
    const installed = join(dir, 'prefix', 'lib', 'node_modules', 'ccsnap');
    expect(await readFile(join(installed, 'dist', 'cli', 'main.js'), 'utf8')).not.toContain('sourceMappingURL');
    expect(await readFile(join(installed, 'LICENSE'), 'utf8')).toContain('Apache License\n                           Version 2.0, January 2004');
  });

  it('the installed ccsnap runs: --sandbox instances and list', async () => {
    const bin = join(dir, 'prefix', 'bin', 'ccsnap');
    expect(existsSync(bin)).toBe(true);
    const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: dir, CCSNAP_SANDBOX_DIR: join(dir, 'sandbox') };
    const instances = await run(bin, ['--sandbox', 'instances', '-f', 'value', '-c', 'Name', '--sort-column', 'Name'], dir, env);
    expect(instances.code, instances.stderr).toBe(0);
    expect(instances.stdout.trimEnd().split('\n')).toEqual(['app-1', 'db-1', 'legacy-1', 'noagent-1', 'stopped-1', 'web-1', 'win-1']);
    // list opens the journal: the native better-sqlite3 addon works in the installed package.
    const list = await run(bin, ['--sandbox', 'list', '-f', 'json'], dir, env);
    expect(list.code, list.stderr).toBe(0);
    expect(JSON.parse(list.stdout)).toEqual([]);
  });

  it('the installed package exports its public entries: ccsnap, ccsnap/core and ccsnap/sandbox', async () => {
    // Resolved as a user's program would, from a directory whose node_modules holds the installed package.
    const script =
      "const core = await import('ccsnap/core'); const api = await import('ccsnap'); const sb = await import('ccsnap/sandbox'); console.log(JSON.stringify([typeof core.parseAge, typeof api.createSnapshots, api.UsageError === core.UsageError, 'CCSNAP_USAGE' in core.ERROR_CODES, typeof sb.startSandboxRuntime, 'startSandbox' in api]));";
    const out = await run(process.execPath, ['--input-type=module', '-e', script], join(dir, 'prefix', 'lib'), { PATH: process.env.PATH, HOME: dir });
    expect(out.code, out.stderr).toBe(0);
    expect(JSON.parse(out.stdout)).toEqual(['function', 'function', true, true, 'function', false]);
  });
});
