import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { removeServerInfo, writeServerInfo } from '../../src/cli/sandbox-paths.js';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/index.js';
import { frozenWindows } from '../../src/sandbox/hypervisor/helpers.js';
import { THAW_EPSILON_MS } from '../../src/engine/watchdog-protocol.js';

const BIN = new URL('../../bin/ccsnap.js', import.meta.url).pathname;

let dir: string;
let sandbox: RunningSandbox;
let statePath: string;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ccsnap-signals-'));
  statePath = join(dir, 'state.json');
  sandbox = await startSandbox({ statePath });
  writeServerInfo({ url: sandbox.url, pid: process.pid, statePath });
});

afterEach(async () => {
  removeServerInfo(statePath, process.pid);
  await sandbox.close();
  rmSync(dir, { recursive: true, force: true });
});

function ccsnap(
  args: string[],
  opts: { ownGroup?: boolean } = {},
): { child: ChildProcess; done: Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }> } {
  const child = spawn(process.execPath, [BIN, '--sandbox', ...args], {
    env: { ...process.env, CCSNAP_SANDBOX_DIR: dir },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: opts.ownGroup ?? false,
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }>((resolve) =>
    child.on('exit', (code, signal) => setImmediate(() => resolve({ code, signal, stdout, stderr }))),
  );
  return { child, done };
}

const domain = (name: string) => sandbox.ctx.state.nova.servers.find((s) => s.name === name)!.instanceName;
const domainState = (name: string) => sandbox.ctx.state.hypervisor.domains.find((d) => d.name === domain(name))!;
const snapshotCount = () => sandbox.ctx.state.array.snapshots.length;

/** Resolves once the guest is frozen (the sandbox's own record), so a signal lands inside the window. */
async function untilFrozen(name: string, timeoutMs = 10_000): Promise<number> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (domainState(name).frozen) return Date.now();
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`${name} never froze; events ${JSON.stringify(domainState(name).events)}`);
}

async function untilThawed(name: string, timeoutMs: number): Promise<number> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (!domainState(name).frozen) return Date.now();
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`${name} still frozen after ${timeoutMs} ms`);
}

describe('the thaw guarantee of the built CLI', () => {
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    it(`thaws and discards the set on ${sig} inside the freeze window`, async () => {
      sandbox.ctx.faults.add({ service: 'array', key: 'createStorageSnapshot', latencyMs: 5000 });
      const before = snapshotCount();
      const run = ccsnap(['create', 'web-1', '--max-freeze', '20']);
      await untilFrozen('web-1');
      // inside the window: the array has the creates (labelled on arrival)
      while (sandbox.ctx.transcript.list().filter((e) => e.command === 'createStorageSnapshot').length < 2) await new Promise((r) => setTimeout(r, 2));
      run.child.kill(sig);
      const out = await run.done;
      expect(out.code).toBe(sig === 'SIGINT' ? 130 : 143);
      expect(domainState('web-1').frozen).toBe(false);
      expect(frozenWindows(domainState('web-1').events).at(-1)!.endedBy).toBe('thaw');
      // The late-answered creates still land on the array; the run's cleanup (or the next start) removes them.
      // Wait until the array has answered every create (the event), not for a guessed time.
      const creates = () => sandbox.ctx.transcript.list().filter((e) => e.command === 'createStorageSnapshot');
      while (creates().some((e) => e.doneAt === undefined)) await new Promise((r) => setTimeout(r, 10));
      const after = ccsnap(['list', 'web-1', '-f', 'json']);
      const listed = JSON.parse((await after.done).stdout) as unknown[];
      expect(listed).toEqual([]);
      expect(snapshotCount()).toBe(before);
      expect(out.stderr).not.toMatch(/\n\s+at /);
    }, 30_000);
  }

  it('a terminal Ctrl-C (SIGINT to the whole process group, virsh included) still thaws', async () => {
    sandbox.ctx.faults.add({ service: 'array', key: 'createStorageSnapshot', hang: true });
    const run = ccsnap(['create', 'web-1', '--max-freeze', '20'], { ownGroup: true });
    await untilFrozen('web-1');
    while (!sandbox.ctx.transcript.list().some((e) => e.command === 'createStorageSnapshot')) await new Promise((r) => setTimeout(r, 2));
    process.kill(-run.child.pid!, 'SIGINT');
    const out = await run.done;
    expect(out.code).toBe(130);
    expect(domainState('web-1').frozen).toBe(false);
    expect(frozenWindows(domainState('web-1').events).at(-1)!.endedBy).toBe('thaw');
  }, 30_000);

  it('kill -9 mid-window: the watchdog thaws the guest at once, and recover cleans the set', async () => {
    // The first member's snapshot lands at once; the second one hangs, so ccsnap dies mid-window.
    sandbox.ctx.faults.add({ service: 'array', key: 'createStorageSnapshot', hang: true, after: 1 });
    const run = ccsnap(['create', 'web-1', '--max-freeze', '20']);
    await untilFrozen('web-1');
    while (snapshotCount() < 1) await new Promise((r) => setTimeout(r, 5));
    const killedAt = Date.now();
    run.child.kill('SIGKILL');
    await run.done;
    const thawedAt = await untilThawed('web-1', 5000);
    expect(thawedAt - killedAt).toBeLessThan(5000);
    const log = readFileSync(join(dir, 'watchdog.log'), 'utf8');
    expect(log).toMatch(/ccsnap vanished/);
    // the watchdog's connection was opened during the pre-checks, not inside the freeze window
    expect(log).toMatch(/armed .* \(connection opened ahead\)/);
    expect(snapshotCount()).toBe(1);
    const rec = ccsnap(['recover', '-f', 'json']);
    const reports = JSON.parse((await rec.done).stdout) as Array<Record<string, string>>;
    expect(reports).toEqual([expect.objectContaining({ Kind: 'create', Instance: 'web-1', Outcome: 'recovered' })]);
    expect(reports[0]!.Detail).toMatch(/1 snapshot\(s\) deleted/);
    expect(snapshotCount()).toBe(0);
  }, 30_000);

  it('a hung array: the CLI thaws within --max-freeze, discards the set and exits 1', async () => {
    sandbox.ctx.faults.add({ service: 'array', key: 'createStorageSnapshot', hang: true });
    const run = ccsnap(['create', 'app-1', '--max-freeze', '1']);
    const out = await run.done;
    expect(out.code).toBe(1);
    expect(out.stderr).toMatch(/CCSNAP_FREEZE_WINDOW_EXCEEDED/);
    const w = frozenWindows(domainState('app-1').events).at(-1)!;
    expect(w.endedBy).toBe('thaw');
    expect(w.ms!).toBeLessThan(4000);
  }, 30_000);

  it('a stuck ccsnap (SIGSTOP) mid-window: the watchdog thaws the guest by its deadline', async () => {
    sandbox.ctx.faults.add({ service: 'array', key: 'createStorageSnapshot', hang: true });
    const run = ccsnap(['create', 'app-1', '--max-freeze', '1']);
    const frozenAt = await untilFrozen('app-1');
    // Once the array sees the create, ccsnap has also told the watchdog the window's deadline.
    while (!sandbox.ctx.transcript.list().some((e) => e.command === 'createStorageSnapshot')) await new Promise((r) => setTimeout(r, 2));
    run.child.kill('SIGSTOP');
    try {
      const thawedAt = await untilThawed('app-1', 8000);
      // --max-freeze 1 s from the freeze request + the watchdog's 100 ms lag (the fault matrix measures it exactly).
      expect(thawedAt - frozenAt).toBeLessThan(1000 + THAW_EPSILON_MS + 1000);
      expect(readFileSync(join(dir, 'watchdog.log'), 'utf8')).toMatch(/deadline passed/);
    } finally {
      run.child.kill('SIGCONT');
    }
    expect((await run.done).code).toBe(1);
  }, 30_000);

  it('two ccsnap processes on one instance: one proceeds, the other fails on the lock; one freeze', async () => {
    // The first one's freeze hangs inside the guest (it holds the lock) until the second one has failed.
    const hang = sandbox.ctx.faults.add({ service: 'agent', key: 'freeze', target: domain('web-1'), hang: true, times: 1 });
    const a = ccsnap(['create', 'web-1', '--max-freeze', '60']);
    while (sandbox.ctx.faults.appliedCount(hang) === 0) await new Promise((r) => setTimeout(r, 5));
    const rb = await ccsnap(['create', 'web-1']).done;
    sandbox.ctx.faults.remove(hang);
    const ra = await a.done;
    expect(ra.code).toBe(0);
    expect(rb.code).toBe(1);
    expect(rb.stderr).toMatch(/CCSNAP_LOCKED/);
    expect(rb.stderr.trim().split('\n')).toHaveLength(1);
    expect(domainState('web-1').events.filter((e) => e.kind === 'freeze')).toHaveLength(1);
  }, 60_000);
});
