import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { sandboxCcsnapConfig, sandboxCloudEntry, sandboxEnv, startSandbox, type RunningSandbox } from '../../src/sandbox-entry.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DIST = join(ROOT, 'dist');
const REGISTER = fileURLToPath(new URL('../helpers/module-log/register.mjs', import.meta.url));

/** dist/ files that are sandbox code: the emulator, the glue, the entry, the CLI's sandbox commands and helpers. */
function isSandboxModule(path: string): boolean {
  const rel = path.slice(DIST.length + 1);
  return /^(sandbox\/|sandbox-link\/|sandbox-entry\.js$|cli\/sandbox-[\w-]+\.js$|cli\/commands\/(sandbox-[\w-]+|tour)\.js$)/.test(rel);
}

interface Loaded {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Every dist/ file the process loaded (absolute paths). */
  dist: string[];
}

/** Runs node with the module-log hook; returns what it printed and every dist/ module it loaded. */
function runLogged(args: string[], env: NodeJS.ProcessEnv, dir: string): Promise<Loaded> {
  const log = join(dir, `modules-${Math.random().toString(16).slice(2)}.log`);
  writeFileSync(log, '');
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--import', REGISTER, ...args],
      { cwd: ROOT, env: { ...env, CCSNAP_MODULE_LOG: log }, timeout: 60_000 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : null) : 0;
        if (err && code === null) return reject(new Error(`node ${args.join(' ')}: ${err.message}\n${stderr}`));
        const dist = readFileSync(log, 'utf8')
          .split('\n')
          .filter((u) => u.startsWith('file:'))
          .map((u) => fileURLToPath(u))
          .filter((p) => p.startsWith(`${DIST}/`));
        resolve({ code, stdout, stderr, dist: [...new Set(dist)] });
      },
    );
  });
}

describe('what loads: no sandbox module for the library or a real-cloud command (module-load hook on the built dist/)', () => {
  let dir: string;
  let sandbox: RunningSandbox;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ccsnap-modules-'));
    sandbox = await startSandbox({ host: '127.0.0.1', port: 0 });
    // The sandbox as an ordinary cloud: clouds.yaml + a ccsnap config, as an operator writes them for any cloud.
    writeFileSync(join(dir, 'clouds.yaml'), stringify({ clouds: { lab: sandboxCloudEntry(sandbox.url) } }));
    writeFileSync(join(dir, 'ccsnap.yaml'), stringify({ clouds: { lab: sandboxCcsnapConfig(sandbox.url) } }));
    const base: NodeJS.ProcessEnv = {};
    for (const [k, v] of Object.entries(process.env)) if (!/^(OS_|CCSNAP_)/.test(k)) base[k] = v;
    env = {
      ...base,
      ...sandboxEnv(),
      HOME: dir,
      XDG_CONFIG_HOME: join(dir, 'config'),
      XDG_STATE_HOME: join(dir, 'state'),
      CCSNAP_SANDBOX_DIR: join(dir, 'sandbox'),
      OS_CLIENT_CONFIG_FILE: join(dir, 'clouds.yaml'),
      CCSNAP_CONFIG: join(dir, 'ccsnap.yaml'),
      NO_COLOR: '1',
    };
  });
  afterAll(async () => {
    await sandbox?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("import('ccsnap') loads the library and no sandbox module; import('ccsnap/sandbox') loads them", async () => {
    const lib = await runLogged(
      ['--input-type=module', '-e', "const m = await import('ccsnap'); if (typeof m.composeRuntime !== 'function' || 'startSandbox' in m) process.exit(3);"],
      env,
      dir,
    );
    expect(lib.code, lib.stderr).toBe(0);
    expect(lib.dist).toContain(join(DIST, 'index.js'));
    expect(lib.dist).toContain(join(DIST, 'compose.js'));
    expect(lib.dist.filter(isSandboxModule)).toEqual([]);

    const sb = await runLogged(
      ['--input-type=module', '-e', "const m = await import('ccsnap/sandbox'); if (typeof m.startSandboxRuntime !== 'function') process.exit(3);"],
      env,
      dir,
    );
    expect(sb.code, sb.stderr).toBe(0);
    expect(sb.dist).toContain(join(DIST, 'sandbox-entry.js'));
    expect(sb.dist).toContain(join(DIST, 'sandbox', 'server.js'));
  });

  it('ccsnap list against a configured cloud (OS_CLOUD, no --sandbox) succeeds and loads no sandbox module', async () => {
    const seq = sandbox.ctx.transcript.lastSeq();
    const r = await runLogged([join(ROOT, 'bin', 'ccsnap.js'), 'list', '-f', 'json'], { ...env, OS_CLOUD: 'lab' }, dir);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual([]);
    const services = new Set(sandbox.ctx.transcript.list(seq).map((e) => e.service));
    expect([...services]).toEqual(expect.arrayContaining(['keystone', 'nova', 'cinder', 'array']));
    expect(r.dist).toContain(join(DIST, 'cli', 'commands', 'list.js'));
    expect(r.dist).toContain(join(DIST, 'compose.js'));
    expect(r.dist.filter(isSandboxModule)).toEqual([]);
  });

  it('ccsnap --help loads no sandbox module either', async () => {
    const r = await runLogged([join(ROOT, 'bin', 'ccsnap.js'), '--help'], env, dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.dist).toContain(join(DIST, 'cli', 'main.js'));
    expect(r.dist.filter(isSandboxModule)).toEqual([]);
  });

  it('ccsnap --sandbox list does load them (the check above can fail)', async () => {
    const r = await runLogged([join(ROOT, 'bin', 'ccsnap.js'), '--sandbox', 'list', '-f', 'json'], env, dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.dist).toContain(join(DIST, 'cli', 'sandbox-session.js'));
    expect(r.dist.filter(isSandboxModule).some((p) => p.startsWith(join(DIST, 'sandbox', '')))).toBe(true);
  });
});
