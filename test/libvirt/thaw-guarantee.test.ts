import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  emptyState,
  seedDemoState,
  startSandbox,
  sandboxCcsnapConfig,
  sandboxCloudEntry,
  SANDBOX_API_KEY,
  SANDBOX_API_KEY_ENV,
  SANDBOX_CLOUD_NAME,
  type RunningSandbox,
} from '../../src/sandbox-entry.js';
import { describeWindow, guestTimes, type FreezeWindow } from './guest-times.js';
import { consoleText, guestExec, realvm, sh, skipReason, waitFor, type RealVm } from './realvm.js';

/**
 * Issue 11 on the real stack: the BUILT CLI (`node bin/ccsnap.js create`) against the sandbox's Nova/Cinder/array
 * with the real libvirt/QEMU guest as its hypervisor. The guest's qemu-ga fsfreeze hook sleeps before the freeze
 * (see README.md here); every time asserted below is the guest's own (console lines of the hook and the writer).
 *
 *   - A freeze that lands while ccsnap's window can still be open: the guest is thawed within --max-freeze + ε
 *     of the agent receiving the freeze (hence of ccsnap sending it, which is earlier).
 *   - A freeze that lands after that (the hook outlasted --max-freeze): thawed within LATE_S of landing.
 *   - Afterwards it stays thawed (agent says thawed, the writer writes), and the domain's agent timeout is what
 *     it was before ccsnap ran (read from libvirt's status XML).
 */
const vm = realvm();
if (!vm) console.warn(`[test:libvirt] thaw-guarantee tests skipped: ${skipReason()}`);

const ROOT = new URL('../../', import.meta.url).pathname;
const BIN = join(ROOT, 'bin', 'ccsnap.js');
/** The issue's ε, plus one step of the guest's 10 ms uptime clock. */
const EPS_S = 0.25 + 0.01;
/** A freeze that lands after ccsnap gave up: thawed within this of landing. */
const LATE_S = 1;
/** libvirt's value for a domain nobody changed: block forever (see README.md). */
const AGENT_TIMEOUT_BEFORE = '-2';
const TAG = '[thaw-guarantee]';

interface CliRun {
  child: ChildProcess;
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
}

interface Case {
  name: string;
  hookS: number;
  maxFreezeS: number;
  /** What happens to ccsnap: killed once the agent has the freeze, or stopped inside the window (array hung). */
  fault: 'none' | 'kill-9-during-freeze' | 'sigstop-in-window';
}

const CASES: Case[] = [
  { name: 'a 3 s hook, kill -9 during the freeze', hookS: 3, maxFreezeS: 5, fault: 'kill-9-during-freeze' },
  { name: 'a 3 s hook, SIGSTOP inside the window, SIGCONT after the thaw', hookS: 3, maxFreezeS: 5, fault: 'sigstop-in-window' },
  // 70 s, not 40: a watchdog that fires at arm + 22 s and retries for 30 s (the code of 19b660a) happens to catch a
  // 40 s landing when nothing is killed; a guarantee may not depend on the hook's length.
  { name: 'a 70 s hook (past the agent timeout and any fixed retry period), no kill', hookS: 70, maxFreezeS: 5, fault: 'none' },
  { name: 'a 40 s hook, kill -9 during the freeze', hookS: 40, maxFreezeS: 5, fault: 'kill-9-during-freeze' },
];

describe.skipIf(!vm)('thaw guarantee on a real QEMU guest (built CLI)', () => {
  const v = vm as RealVm;
  let sandbox: RunningSandbox;
  let arrayDir = '';
  let caseDir = '';
  let run: CliRun | undefined;

  const virsh = (...args: string[]) => sh('virsh', ['-c', v.uri, ...args]);
  const agentTimeout = () => /<agentTimeout>([^<]*)</.exec(readFileSync(`/run/libvirt/qemu/${v.domain}.xml`, 'utf8'))?.[1];
  const consoleLines = () => consoleText(v).split(/\r?\n/);
  const watchdogLog = () => (existsSync(join(caseDir, 'watchdog.log')) ? readFileSync(join(caseDir, 'watchdog.log'), 'utf8') : '');

  beforeAll(async () => {
    if (!existsSync(join(ROOT, 'dist', 'cli', 'main.js'))) throw new Error('the built CLI is missing: run `npm run build` first');
    const state = seedDemoState(emptyState(), [{ name: 'realvm', host: 'localhost', volumes: ['cb-ssd'] }]);
    const server = state.nova.servers.find((s) => s.name === 'realvm')!;
    state.hypervisor.domains.find((d) => d.name === server.instanceName)!.name = v.domain;
    server.instanceName = v.domain;
    const volume = state.cinder.volumes.find((x) => x.attachments.some((a) => a.serverId === server.id))!;
    state.array.filesystems.find((f) => f.name === volume.id.replace(/-/g, ''))!.imagePath = v.disk;
    arrayDir = mkdtempSync(join(tmpdir(), 'ccsnap-thaw-guarantee-array-'));
    sandbox = await startSandbox({ state, dataDir: arrayDir });
  });

  afterAll(async () => {
    await sandbox?.close();
    if (arrayDir) rmSync(arrayDir, { recursive: true, force: true }); // snapshot copies of the guest's disk
  });

  // Never leave the shared guest frozen, a hook sleeping, or a process of ours running; each step runs even if one fails.
  afterEach(async () => {
    const steps: Array<[string, () => Promise<unknown> | void]> = [
      ['end ccsnap', endCcsnap],
      ['wait for pending freezes', waitForPendingFreezes],
      ['thaw', () => virsh('domfsthaw', v.domain)],
      ['end watchdogs', endWatchdogs],
      ['hook sleep 0', () => guestExec(v, 'echo 0 > /run/ccsnap-hook-sleep')],
      ['agent timeout', () => virsh('guest-agent-timeout', v.domain, '--timeout', AGENT_TIMEOUT_BEFORE)],
      ['faults', () => sandbox.ctx.faults.clear()],
    ];
    for (const [what, step] of steps) {
      try {
        await step();
      } catch (err) {
        console.warn(`${TAG} cleanup step "${what}" failed: ${(err as Error).message}`);
      }
    }
  }, 150_000);

  /** The operator's setup: clouds.yaml + a ccsnap config whose hypervisor is the real libvirt. */
  function writeConfig(dir: string): { cloudsYaml: string; config: string } {
    const cloudsYaml = join(dir, 'clouds.yaml');
    const config = join(dir, 'ccsnap.yaml');
    writeFileSync(cloudsYaml, JSON.stringify({ clouds: { [SANDBOX_CLOUD_NAME]: sandboxCloudEntry(sandbox.url) } }));
    const { arrays } = sandboxCcsnapConfig(sandbox.url);
    const hypervisor = { uri: v.uri, virsh: 'virsh', session: 'persistent', agent_timeout: '5s' };
    writeFileSync(config, JSON.stringify({ clouds: { [SANDBOX_CLOUD_NAME]: { arrays, hypervisor } } }));
    return { cloudsYaml, config };
  }

  function ccsnap(args: string[]): CliRun {
    const { cloudsYaml, config } = writeConfig(caseDir);
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      OS_CLIENT_CONFIG_FILE: cloudsYaml,
      CCSNAP_JOURNAL: join(caseDir, 'journal.db'),
      XDG_STATE_HOME: caseDir,
      [SANDBOX_API_KEY_ENV]: SANDBOX_API_KEY,
    };
    for (const k of Object.keys(env)) if (k.startsWith('OS_') && k !== 'OS_CLIENT_CONFIG_FILE') delete env[k];
    const child = spawn(process.execPath, [BIN, '--os-cloud', SANDBOX_CLOUD_NAME, '--config', config, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const done = new Promise<Awaited<CliRun['done']>>((resolve) =>
      child.on('exit', (code, signal) => setImmediate(() => resolve({ code, signal, stdout, stderr }))),
    );
    return { child, done };
  }

  async function endCcsnap(): Promise<void> {
    if (!run || run.child.exitCode !== null || run.child.signalCode !== null) return;
    run.child.kill('SIGCONT');
    run.child.kill('SIGKILL');
    await run.done;
  }

  /** The watchdog processes ccsnap started in this case, by the pids in their log. */
  function watchdogPids(): number[] {
    const pids = [...watchdogLog().matchAll(/watchdog\[(\d+)\]/g)].map((m) => Number(m[1]));
    return [...new Set(pids)].filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('watchdog');
      } catch {
        return false;
      }
    });
  }

  function endWatchdogs(): void {
    for (const pid of watchdogPids()) {
      console.log(`${TAG} cleanup: watchdog ${pid} still running; ending it`);
      process.kill(pid, 'SIGKILL');
    }
  }

  /** A freeze the agent has received but not finished (its hook still sleeps) would land after the cleanup's thaw. */
  async function waitForPendingFreezes(): Promise<void> {
    await waitFor(
      'every received freeze to land',
      () => {
        const { windows } = guestTimes(consoleLines().slice(startLine));
        return windows.every((w) => w.landedAt !== undefined) ? true : undefined;
      },
      90_000,
      250,
    );
  }

  let startLine = 0;
  const times = () => guestTimes(consoleLines().slice(startLine));
  const lastWindow = (): FreezeWindow | undefined => times().windows.at(-1);

  async function writerCounter(): Promise<number> {
    const r = await guestExec(v, 'tail -n 1 /data/ccsnap-writer');
    return Number(r.out.trim().split(' ')[0]);
  }

  for (const c of CASES) {
    it(
      c.name,
      async () => {
        caseDir = mkdtempSync(join(tmpdir(), 'ccsnap-thaw-guarantee-'));
        await guestExec(v, `echo ${c.hookS} > /run/ccsnap-hook-sleep`);
        await virsh('guest-agent-timeout', v.domain, '--timeout', AGENT_TIMEOUT_BEFORE);
        const before = agentTimeout();
        expect(before).toBe(AGENT_TIMEOUT_BEFORE);
        if (c.fault === 'sigstop-in-window') sandbox.ctx.faults.add({ service: 'array', key: 'createStorageSnapshot', hang: true });
        startLine = consoleLines().length - 1;
        const t0 = Date.now();
        run = ccsnap(['create', 'realvm', '--max-freeze', String(c.maxFreezeS), '-f', 'json']);
        const events: string[] = [];
        const note = (what: string) => events.push(`${what} at +${Date.now() - t0} ms`);

        if (c.fault === 'kill-9-during-freeze') {
          await waitFor('the agent to receive the freeze', () => (lastWindow() ? true : undefined), 60_000, 50);
          run.child.kill('SIGKILL');
          note('kill -9 (agent has the freeze)');
        } else if (c.fault === 'sigstop-in-window') {
          // The array has the create call (it hangs): the freeze answered and ccsnap is inside its window.
          await waitFor(
            'ccsnap inside the window',
            () => (sandbox.ctx.transcript.list().some((e) => e.command === 'createStorageSnapshot') ? true : undefined),
            60_000,
            20,
          );
          run.child.kill('SIGSTOP');
          note('SIGSTOP (array call in flight)');
          // ccsnap is stopped: only the watchdog can thaw now. Resume ccsnap once the guest is thawed (or long after).
          const thawed = await waitFor(
            'a thaw while ccsnap is stopped',
            () => (lastWindow()?.thawedAt !== undefined ? true : undefined),
            (c.maxFreezeS + 30) * 1000,
            50,
          ).catch(() => false);
          note(thawed ? 'guest thawed while ccsnap stopped' : `no thaw ${c.maxFreezeS + 30} s into SIGSTOP`);
          run.child.kill('SIGCONT');
          note('SIGCONT');
        }
        const out = await Promise.race([run.done, new Promise<undefined>((r) => setTimeout(r, 150_000, undefined))]);
        note(`ccsnap exited (${out ? (out.signal ?? out.code) : 'still running after 150 s'})`);

        // Every freeze the agent received lands once its hook ends; the thaw must follow it.
        await waitFor('the freeze to land', () => (lastWindow()?.landedAt !== undefined ? true : undefined), (c.hookS + 30) * 1000, 100);
        note('freeze landed (hook end on the console)');
        const thawed = await waitFor('a thaw after the landing', () => (lastWindow()?.thawedAt !== undefined ? true : undefined), 15_000, 50).then(
          () => true,
          () => false,
        );
        note(thawed ? 'thaw after the landing' : 'NO thaw within 15 s of the landing');
        // Whoever thawed is done re-checking before we look at what it left behind.
        const watchdogsGone = await waitFor('the watchdog to exit', () => (watchdogPids().length === 0 ? true : undefined), 120_000, 250).then(
          () => true,
          () => false,
        );
        note(watchdogsGone ? 'watchdog gone' : 'watchdog still running after 120 s');
        const status = (await virsh('qemu-agent-command', v.domain, '{"execute":"guest-fsfreeze-status"}')).out.trim();
        const after = agentTimeout();
        const { windows, otherThaws } = times();
        const w = windows.at(-1)!;

        console.log(`${TAG} ${c.name} (--max-freeze ${c.maxFreezeS}): ${describeWindow(w)}`);
        console.log(
          `${TAG} ${c.name}: freezes received ${windows.length}, other thaw calls at ${otherThaws.map((t) => t.toFixed(2)).join(', ') || '-'}; ` +
            `status ${status}; agent timeout before ${before}, after ${after}; ccsnap ${out ? `exit ${out.signal ?? out.code}: ${out.stderr.trim().split('\n').at(-1)}` : 'hung'}`,
        );
        console.log(`${TAG} ${c.name}: host events ${events.join(', ')}`);
        console.log(`${TAG} ${c.name}: watchdog log:\n${watchdogLog().trim().replace(/^/gm, '    ')}`);

        expect(windows, 'ccsnap sends one freeze').toHaveLength(1);
        expect(w.thawedAt, `the guest froze at ${w.landedAt} and no thaw followed within 15 s`).toBeDefined();
        const frozenS = w.thawedAt! - w.landedAt!;
        if (w.landedAt! - w.receivedAt <= c.maxFreezeS) {
          // landed inside the window: the bound runs from the freeze being sent (≤ received)
          expect(w.thawedAt! - w.receivedAt, 'thawed within --max-freeze + ε of the freeze (guest time)').toBeLessThanOrEqual(c.maxFreezeS + EPS_S);
        } else {
          expect(frozenS, 'a freeze landing after ccsnap gave up is thawed within 1 s').toBeLessThanOrEqual(LATE_S);
        }
        expect(frozenS).toBeLessThanOrEqual(c.maxFreezeS + EPS_S);
        expect(watchdogsGone, 'the watchdog finishes').toBe(true);
        // stays thawed: the agent says so, and the writer's writes go through (guest-exec also needs a thawed agent)
        expect(status).toBe('{"return":"thawed"}');
        const n = await writerCounter();
        await waitFor('the writer to write', async () => ((await writerCounter()) > n ? true : undefined), 10_000, 100);
        expect(times().windows, 'no freeze after the run').toHaveLength(1);
        expect(after, 'the domain keeps its agent timeout').toBe(before);
        if (out) expect(out.stderr).not.toMatch(/\n\s+at /);
      },
      300_000,
    );
  }
});
