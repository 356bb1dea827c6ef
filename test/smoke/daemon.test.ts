import type { ChildProcess } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { startSandboxCli, type SandboxCli } from '../helpers/sandbox-cli.js';

/**
 * The built `ccsnap daemon` against a configured cloud (the sandbox written as an ordinary cloud): it listens,
 * runs a policy when the API triggers it (the set is made through the same runner as run-due), exposes its
 * metrics, reloads on SIGHUP and stops on SIGTERM with exit 0. Every wait is for a line, a record or an exit.
 */
describe('ccsnap daemon', () => {
  let cli: SandboxCli;
  let child: ChildProcess;
  let stderr = '';
  let exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  /** Resolves with the first match of `re` in stderr at or after `from` (a line the daemon wrote). */
  const line = (re: RegExp, from = 0): Promise<RegExpMatchArray> =>
    new Promise((resolve, reject) => {
      const check = (): boolean => {
        const m = stderr.slice(from).match(re);
        if (m) resolve(m);
        return Boolean(m);
      };
      if (check()) return;
      const onData = (): void => void (check() && child.stderr!.off('data', onData));
      child.stderr!.on('data', onData);
      void exited.then((e) => reject(new Error(`daemon exited (${JSON.stringify(e)}) before ${String(re)}: ${stderr}`)));
    });

  beforeAll(async () => {
    cli = await startSandboxCli({ mode: 'configured' });
    const path = join(cli.dir, 'ccsnap.yaml');
    const doc = parse(await readFile(path, 'utf8')) as { clouds: Record<string, Record<string, unknown>> };
    // Yearly on 1 January: never due while the test runs, so only the API's trigger makes sets.
    const policy = { name: 'yearly-web', instances: { names: ['web-1'] }, schedule: '0 0 1 1 *', retention: { keep_last: 3 } };
    for (const cloud of Object.values(doc.clouds)) cloud.policies = [policy];
    await writeFile(path, stringify(doc));
    child = cli.spawn(['daemon', '--listen', '127.0.0.1:0']);
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  });
  afterAll(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await cli?.close();
  });

  it('serves, runs a triggered policy, reloads on SIGHUP and stops on SIGTERM with exit 0', async () => {
    const url = (await line(/ccsnap daemon: listening on (http:\/\/127\.0\.0\.1:\d+); 1 policies/))[1]!;
    expect(await (await fetch(`${url}/healthz`)).json()).toMatchObject({ ok: true });

    const accepted = await fetch(`${url}/api/v1/policies/yearly-web/run`, { method: 'POST' });
    expect(accepted.status).toBe(202);
    const { runId } = (await accepted.json()) as { runId: string };
    expect(runId).toMatch(/^yearly-web@adhoc-/);
    const sets = async (): Promise<Array<{ instanceName: string; state: string; policy: string | null }>> =>
      ((await (await fetch(`${url}/api/v1/sets?policy=yearly-web`)).json()) as { sets: Array<{ instanceName: string; state: string; policy: string | null }> })
        .sets;
    await expect.poll(async () => (await sets()).map((s) => `${s.instanceName} ${s.state}`), { timeout: 60_000, interval: 100 }).toEqual(['web-1 complete']);
    await line(/triggered run of yearly-web done/);

    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toMatch(/^ccsnap_sets_total\{[^}]*\} 1$/m);
    expect(metrics).toMatch(/^ccsnap_freeze_window_seconds_count(\{[^}]*\})? 1$/m);
    expect((await fetch(`${url}/api/v1/policies/no-such/run`, { method: 'POST' })).status).toBe(404);

    const before = stderr.length;
    child.kill('SIGHUP');
    await line(/SIGHUP: reading the configuration again/, before);
    const again = (await line(/ccsnap daemon: listening on (http:\/\/127\.0\.0\.1:\d+); 1 policies/, before))[1]!;
    expect((await fetch(`${again}/healthz`)).status).toBe(200);

    child.kill('SIGTERM');
    expect(await exited).toEqual({ code: 0, signal: null });
    expect(stderr).toMatch(/ccsnap daemon: stopped/);
    expect(cli.sandbox.ctx.state.hypervisor.domains.filter((d) => d.frozen)).toEqual([]);
  });
});
