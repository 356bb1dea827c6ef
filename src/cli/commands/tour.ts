import { spawn } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CcsnapError } from '../../core.js';
import type { CommandContext, CommandSpec } from '../types.js';
import { readServerInfo, removeServerInfo, sandboxDir, writeServerInfo } from '../sandbox-paths.js';

const BIN = fileURLToPath(new URL('../../../bin/ccsnap.js', import.meta.url));

/**
 * A guided tour of the four seed operations (create, list, rollback, delete) against a freshly seeded
 * sandbox: every step is a real `ccsnap` command, printed before it runs. The sandbox (state and journal)
 * is the default one ($CCSNAP_SANDBOX_DIR), and stays afterwards: `ccsnap --sandbox ...` continues from it.
 */
export const command: CommandSpec = {
  name: 'tour',
  summary: 'Guided tour of ccsnap against the built-in sandbox (re-seeds it, and leaves it to explore)',
  configure() {},
  async run(ctx) {
    const dir = sandboxDir(ctx.env);
    const statePath = join(dir, 'state.json');
    const running = readServerInfo(statePath);
    if (running) {
      throw new CcsnapError(
        'CCSNAP_SANDBOX_BUSY',
        `a sandbox (pid ${running.pid}) is serving ${dir} at ${running.url}; stop it first (the tour re-seeds that sandbox), or run the tour with CCSNAP_SANDBOX_DIR set to another directory`,
      );
    }
    const { emptyState, seedDemoState, startSandbox } = await import('../../sandbox-entry.js');
    // A fresh sandbox: the demo inventory, and no journal left from an earlier state.
    mkdirSync(dir, { recursive: true });
    for (const f of ['journal.db', 'journal.db-wal', 'journal.db-shm']) rmSync(join(dir, f), { force: true });
    const sandbox = await startSandbox({ host: '127.0.0.1', port: 0, statePath, state: seedDemoState(emptyState()) });
    sandbox.ctx.save();
    writeServerInfo({ url: sandbox.url, pid: process.pid, statePath });
    const step = stepper(ctx, dir);
    try {
      await tourSteps(ctx, sandbox.url, step);
      say(
        ctx,
        `Done. The sandbox stays in ${dir} (its state and journal): explore it with the same commands, e.g. "ccsnap --sandbox list" or "ccsnap --sandbox show SET"; "ccsnap sandbox serve" serves it with a clouds.yaml entry for the openstack CLI; another "ccsnap tour" re-seeds it.`,
      );
    } finally {
      removeServerInfo(statePath, process.pid);
      await sandbox.close();
    }
    return { kind: 'none' };
  },
};

type Step = (args: string[], mayFail?: boolean, quiet?: boolean) => Promise<string>;

async function tourSteps(ctx: CommandContext, url: string, step: Step): Promise<void> {
  say(ctx, `A freshly seeded sandbox cloud runs at ${url} (Keystone, Nova, Cinder, a CloudByte ElastiCenter array, libvirt hosts).`);
  say(
    ctx,
    'Each step below is shown as "ccsnap ...". To run ccsnap yourself from a clone: "npx -- ccsnap ARGS" (the "--" keeps npm from reading ccsnap\'s options), or "npm link" once to put ccsnap on your PATH; "node bin/ccsnap.js ARGS" works too.',
  );
  say(ctx, 'Task 1, step 1: which instances are there, which libvirt domains, which volumes live on the array?');
  await step(['instances', '-c', 'Name', '-c', 'Status', '-c', 'Domain', '-c', 'Host', '-c', 'Snapshot Capable']);
  say(ctx, 'Task 1: freeze web-1, snapshot all its array volumes in one window, thaw; the result is one snapshot set (one row per instance).');
  const first = (
    JSON.parse(
      await step(['create', 'web-1', '--name', 'before-upgrade', '-f', 'json', '-c', 'Set ID', '-c', 'State', '-c', 'Consistency', '-c', 'Frozen ms']),
    ) as Array<{ 'Set ID': string }>
  )[0]!;
  say(
    ctx,
    'Every instance with array volumes at once (bounded per compute host). noagent-1 has no guest agent, so it cannot be frozen: with the default --freeze required ccsnap refuses it (one error line, its row says why, exit status 1); --freeze best-effort would take a crash-consistent set instead. legacy-1 has no array volume, so --all leaves it out.',
  );
  await step(['create', '--all', '-c', 'Instance Name', '-c', 'State', '-c', 'Consistency', '-c', 'Frozen ms', '-c', 'Error'], true);
  await step(['create', 'web-1', '--name', 'after-upgrade', '-c', 'Set ID', '-c', 'Frozen ms', '-f', 'value']);
  say(ctx, 'Task 2: list the snapshots of one instance (the array is the source of truth; the journal adds labels and figures).');
  await step(['list', 'web-1', '-c', 'Set ID', '-c', 'Label', '-c', 'Volume ID', '-c', 'Consistency', '-c', 'Frozen ms', '-c', 'Status']);
  await step(['show', first['Set ID'], '-c', 'set_id', '-c', 'label', '-c', 'consistency', '-c', 'frozen_ms', '-c', 'members']);
  say(
    ctx,
    'Task 3: roll web-1 back to its first set. The plan comes first (on stderr). The array keeps only the newest snapshot on rollback (ZFS), so ccsnap refuses until you accept that the newer sets go:',
  );
  await step(['rollback', 'web-1', first['Set ID'], '--yes'], true);
  await step(['rollback', 'web-1', first['Set ID'], '--yes', '--discard-newer']);
  say(ctx, 'Task 4: delete a set of db-1. Deleting is idempotent: the second delete finds the snapshots already gone and still succeeds.');
  const db = JSON.parse(await step(['list', 'db-1', '-f', 'json', '-c', 'Set ID'], false, true)) as Array<{ 'Set ID': string }>;
  if (db[0]) {
    await step(['delete', 'db-1', db[0]['Set ID'], '--yes', '-c', 'Volume ID', '-c', 'Outcome']);
    await step(['delete', 'db-1', db[0]['Set ID'], '--yes', '-c', 'Volume ID', '-c', 'Outcome']);
  }
  await step(['list', '-c', 'Instance Name', '-c', 'Set ID', '-c', 'Label', '-c', 'Status']);
}

function say(ctx: CommandContext, text: string): void {
  ctx.stdout.write(`\n# ${text}\n`);
}

/** Runs one ccsnap command against the tour's sandbox, echoing it; returns its stdout. */
function stepper(ctx: CommandContext, dir: string): Step {
  return (args: string[], mayFail = false, quiet = false): Promise<string> =>
    new Promise((resolve, reject) => {
      if (!quiet) ctx.stdout.write(`$ ccsnap ${args.map((a) => (/^[\w./:=-]+$/.test(a) ? a : `'${a}'`)).join(' ')}\n`);
      const child = spawn(process.execPath, [BIN, '--sandbox', ...args], { env: { ...ctx.env, CCSNAP_SANDBOX_DIR: dir }, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (!quiet) ctx.stdout.write(d);
      });
      child.stderr.on('data', (d: Buffer) => ctx.stdout.write(d));
      child.on('error', reject);
      child.on('exit', (code) => (code === 0 || mayFail ? resolve(out) : reject(new Error(`tour step "ccsnap ${args.join(' ')}" failed (exit ${code})`))));
    });
}
