import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import type { CommandContext, CommandSpec } from '../types.js';
import { removeServerInfo, writeServerInfo } from '../sandbox-paths.js';

const BIN = fileURLToPath(new URL('../../../bin/ccsnap.js', import.meta.url));

/**
 * A guided tour of the four seed operations (create, list, rollback, delete) against a fresh
 * sandbox: every step is a real `ccsnap` command, printed before it runs.
 */
export const command: CommandSpec = {
  name: 'tour',
  summary: 'Guided tour of ccsnap against the built-in sandbox',
  configure(cmd: Command) {
    cmd.option('--keep', 'keep the tour\'s sandbox directory afterwards');
  },
  async run(ctx, _args, opts) {
    const dir = mkdtempSync(join(tmpdir(), 'ccsnap-tour-'));
    const statePath = join(dir, 'state.json');
    const { startSandbox } = await import('../../sandbox/index.js');
    const sandbox = await startSandbox({ host: '127.0.0.1', port: 0, statePath });
    writeServerInfo({ url: sandbox.url, pid: process.pid, statePath });
    const step = stepper(ctx, dir);
    try {
      say(ctx, `A fresh sandbox cloud runs at ${sandbox.url} (Keystone, Nova, Cinder, a CloudByte ElastiCenter array, libvirt hosts).`);
      say(ctx, 'Task 1, step 1: which instances are there, which libvirt domains, which volumes live on the array?');
      await step(['instances', '-c', 'Name', '-c', 'Status', '-c', 'Domain', '-c', 'Host', '-c', 'Snapshot Capable']);
      say(ctx, 'Task 1: freeze web-1, snapshot all its array volumes in one window, thaw; the result is one snapshot set.');
      const first = JSON.parse(await step(['create', 'web-1', '--name', 'before-upgrade', '-f', 'json'])) as { set_id: string };
      say(ctx, 'The same for two instances at once (bounded per compute host); noagent-1 has no guest agent, so it is refused.');
      await step(['create', 'db-1', 'noagent-1', '-c', 'Instance Name', '-c', 'State', '-c', 'Consistency', '-c', 'Frozen ms', '-c', 'Error'], true);
      await step(['create', 'web-1', '--name', 'after-upgrade', '-c', 'set_id', '-c', 'frozen_ms', '-f', 'value']);
      say(ctx, 'Task 2: list the snapshots of one instance (the array is the source of truth; the journal adds labels and figures).');
      await step(['list', 'web-1', '-c', 'Set ID', '-c', 'Label', '-c', 'Volume ID', '-c', 'Consistency', '-c', 'Frozen ms', '-c', 'Status']);
      await step(['show', first.set_id, '-c', 'set_id', '-c', 'label', '-c', 'consistency', '-c', 'frozen_ms', '-c', 'members']);
      say(ctx, 'Task 3: roll web-1 back to the older set. The array keeps only the newest snapshot on rollback (ZFS), so ccsnap refuses until you accept that the newer set goes:');
      await step(['rollback', 'web-1', first.set_id, '--yes'], true);
      await step(['rollback', 'web-1', first.set_id, '--yes', '--discard-newer']);
      say(ctx, 'Task 4: delete the set of db-1 (idempotent: deleting it again is fine).');
      const db = JSON.parse(await step(['list', 'db-1', '-f', 'json', '-c', 'Set ID'], false, true)) as Array<{ 'Set ID': string }>;
      if (db[0]) await step(['delete', 'db-1', db[0]['Set ID'], '--yes']);
      await step(['list', '-c', 'Instance Name', '-c', 'Set ID', '-c', 'Label', '-c', 'Status']);
      say(ctx, `Done. Try it yourself: "ccsnap sandbox serve" prints a clouds.yaml entry for the openstack CLI, and every command takes --sandbox.${opts.keep ? ` The tour's sandbox is kept in ${dir}.` : ''}`);
    } finally {
      removeServerInfo(statePath, process.pid);
      await sandbox.close();
      if (!opts.keep) rmSync(dir, { recursive: true, force: true });
    }
    return { kind: 'none' };
  },
};

function say(ctx: CommandContext, text: string): void {
  ctx.stdout.write(`\n# ${text}\n`);
}

/** Runs one ccsnap command against the tour's sandbox, echoing it; returns its stdout. */
function stepper(ctx: CommandContext, dir: string) {
  return (args: string[], mayFail = false, quiet = false): Promise<string> => new Promise((resolve, reject) => {
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
