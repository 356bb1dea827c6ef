import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cliError, CCSNAP_BIN } from '../helpers/sandbox-cli.js';

/** In-process commands on one state file run one after the other: on a loaded machine, eight take a while. */
const SERIAL_MS = 240_000;

/**
 * Issue 12 items 3 and 4: `--sandbox` commands that run the sandbox in-process take turns on the state
 * file, so no snapshot reported complete is lost; one `sandbox serve` per state; `reset` is a clean slate.
 */
interface Run {
  code: number;
  stdout: string;
  stderr: string;
}
let dir: string;
const children: ChildProcess[] = [];

function env(): NodeJS.ProcessEnv {
  const clean: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^(OS_|CCSNAP_)/.test(k)) clean[k] = v;
  return { ...clean, HOME: dir, XDG_CONFIG_HOME: join(dir, 'config'), CCSNAP_SANDBOX_DIR: join(dir, 'sb'), NO_COLOR: '1' };
}

function ccsnap(args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [CCSNAP_BIN, ...args], { env: env(), timeout: 120_000, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (!err) return resolve({ code: 0, stdout, stderr });
      const code = (err as { code?: unknown }).code;
      if (typeof code === 'number') return resolve({ code, stdout, stderr });
      reject(new Error(`ccsnap ${args.join(' ')}: ${err.message}\n${stderr}`));
    });
  });
}

/** Runs `--sandbox create` on each instance at once; returns the sets each reported complete. */
async function createInParallel(instances: string[]): Promise<Array<{ instance: string; setId: string; members: number }>> {
  const runs = await Promise.all(instances.map((i) => ccsnap(['--sandbox', 'create', i, '-f', 'json'])));
  const complete: Array<{ instance: string; setId: string; members: number }> = [];
  runs.forEach((r, k) => {
    if (r.code !== 0) {
      // The only acceptable failure: the same instance is busy with the other create.
      expect(cliError(r.stderr)?.code, r.stderr).toBe('CCSNAP_LOCKED');
      return;
    }
    // create prints one row per instance (an array, for one instance too)
    const [set] = JSON.parse(r.stdout) as Array<{ 'Set ID': string; State: string; Members: unknown[] }>;
    if (set!.State === 'complete') complete.push({ instance: instances[k]!, setId: set!['Set ID'], members: set!.Members.length });
  });
  return complete;
}

/** Every set reported complete is in `list`, with every member `ok`. */
async function expectAllOk(sets: Array<{ instance: string; setId: string; members: number }>): Promise<void> {
  const r = await ccsnap(['--sandbox', 'list', '-f', 'json']);
  expect(r.code, r.stderr).toBe(0);
  const rows = JSON.parse(r.stdout) as Array<Record<string, unknown>>;
  for (const s of sets) {
    const mine = rows.filter((row) => row['Set ID'] === s.setId);
    expect(
      mine.map((row) => row.Status),
      `${s.instance} ${s.setId}`,
    ).toEqual(Array(s.members).fill('ok'));
  }
}

function waitForLine(child: ChildProcess, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes(text)) resolve(out);
    });
    child.on('exit', (code) => reject(new Error(`exited ${code} before "${text}": ${out}`)));
  });
}

function serve(): ChildProcess {
  const child = spawn(process.execPath, [CCSNAP_BIN, 'sandbox', 'serve', '--port', '0'], { env: env(), stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  return child;
}

function exitOf(child: ChildProcess): Promise<number | null> {
  return child.exitCode !== null ? Promise.resolve(child.exitCode) : new Promise((resolve) => child.on('exit', (c) => resolve(c)));
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ccsnap-concurrency-'));
});
afterEach(async () => {
  for (const c of children.splice(0)) {
    if (c.exitCode === null && c.signalCode === null) {
      c.kill('SIGTERM');
      await exitOf(c);
    }
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('in-process sandboxes on one state file take turns', () => {
  it(
    'three creates at once on different instances: every set reported complete is ok',
    async () => {
      const sets = await createInParallel(['web-1', 'db-1', 'app-1']);
      expect(sets.map((s) => s.instance).sort()).toEqual(['app-1', 'db-1', 'web-1']);
      await expectAllOk(sets);
    },
    SERIAL_MS,
  );

  it(
    'eight creates at once on eight instances of a bigger sandbox: every set reported complete is ok',
    async () => {
      expect((await ccsnap(['sandbox', 'reset', '--add-instances', '8'])).code).toBe(0);
      const names = Array.from({ length: 8 }, (_, i) => `vm-0000${i + 1}`);
      const sets = await createInParallel(names);
      expect(sets).toHaveLength(8);
      await expectAllOk(sets);
    },
    SERIAL_MS,
  );

  it(
    'two creates at once on the same instance: every set reported complete is ok',
    async () => {
      const sets = await createInParallel(['web-1', 'web-1']);
      expect(sets.length).toBeGreaterThanOrEqual(1);
      await expectAllOk(sets);
    },
    SERIAL_MS,
  );

  it('a lock left by a process that died is broken by the next command', async () => {
    const dead = spawn(process.execPath, ['-e', '']);
    await exitOf(dead);
    writeFileSync(join(dir, 'sb', 'state.json.lock'), JSON.stringify({ pid: dead.pid, kind: 'command', since: new Date().toISOString(), token: 'stale' }));
    const r = await ccsnap(['--sandbox', 'instances', '-f', 'value', '-c', 'Name']);
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(join(dir, 'sb', 'state.json.lock'))).toBe(false);
  });
});

describe('sandbox serve and reset', () => {
  it(
    'a second serve on the same state refuses with the PID of the first; reset is refused while it runs',
    async () => {
      const first = serve();
      const banner = await waitForLine(first, 'Press Ctrl-C to stop.');
      const url = /listening on (\S+)/.exec(banner)![1]!;
      const second = serve();
      let err = '';
      second.stderr!.on('data', (d: Buffer) => (err += d.toString()));
      expect(await exitOf(second)).toBe(1);
      expect(cliError(err)?.code).toBe('CCSNAP_SANDBOX_RUNNING');
      expect(err).toContain(`pid ${first.pid}`);
      const state = readFileSync(join(dir, 'sb', 'state.json'), 'utf8');
      const reset = await ccsnap(['sandbox', 'reset']);
      expect(reset.code).toBe(1);
      expect(cliError(reset.stderr)?.code).toBe('CCSNAP_SANDBOX_RUNNING');
      expect(reset.stderr).toContain(`pid ${first.pid}`);
      expect(readFileSync(join(dir, 'sb', 'state.json'), 'utf8')).toBe(state);
      // Commands share the running server meanwhile.
      const set = await ccsnap(['--sandbox', '-v', 'create', 'app-1', '-f', 'json']);
      expect(set.code, set.stderr).toBe(0);
      expect(set.stderr).toContain(`using the running sandbox at ${url}`);
      first.kill('SIGTERM');
      expect(await exitOf(first)).toBe(143);
    },
    SERIAL_MS,
  );

  it(
    'reset (nothing serving) starts from a clean slate: demo state, empty journal, no logs',
    async () => {
      expect((await ccsnap(['--sandbox', 'create', 'web-1'])).code).toBe(0);
      expect(existsSync(join(dir, 'sb', 'journal.db'))).toBe(true);
      const r = await ccsnap(['sandbox', 'reset', '-f', 'json']);
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ servers: 7, removed: expect.arrayContaining(['journal.db', 'watchdog.log']) });
      expect(existsSync(join(dir, 'sb', 'watchdog.log'))).toBe(false);
      const list = await ccsnap(['--sandbox', 'list', '-f', 'json']);
      expect(list.code, list.stderr).toBe(0);
      expect(JSON.parse(list.stdout)).toEqual([]);
    },
    SERIAL_MS,
  );
});
