import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { startSandboxCli, type SandboxCli } from '../helpers/sandbox-cli.js';

/** A daily schedule whose occurrence is the current UTC minute: due now, and for the next 15 minutes. */
function dueNowSchedule(): string {
  const now = new Date();
  return `${now.getUTCMinutes()} ${now.getUTCHours()} * * *`;
}

/** `ccsnap run-due` and `ccsnap policy run` on the built CLI, against the sandbox configured as a real cloud. */
describe('ccsnap run-due | policy run', () => {
  let cli: SandboxCli;

  async function setPolicies(policies: unknown[]): Promise<void> {
    const path = join(cli.dir, 'ccsnap.yaml');
    const doc = parse(await readFile(path, 'utf8')) as { clouds: Record<string, Record<string, unknown>> };
    for (const cloud of Object.values(doc.clouds)) cloud.policies = policies;
    await writeFile(path, stringify(doc));
  }

  function occurrences(): Array<{ occurrence: string; state: string }> {
    const db = new Database(cli.journalPath, { readonly: true });
    try {
      return db.prepare('SELECT occurrence, state FROM occurrences ORDER BY scheduled_at').all() as Array<{ occurrence: string; state: string }>;
    } finally {
      db.close();
    }
  }

  beforeAll(async () => {
    cli = await startSandboxCli({ mode: 'configured' });
  });
  afterAll(async () => cli?.close());

  it('a dry run shows the due occurrence and its instances, and records and creates nothing', async () => {
    await setPolicies([{ name: 'nightly', instances: { names: ['web-1', 'app-1'] }, schedule: dueNowSchedule(), retention: { keep_last: 2 } }]);
    const before = cli.mark();
    const r = await cli.run(['run-due', '--dry-run', '-f', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const rows = JSON.parse(r.stdout) as Array<Record<string, string | null>>;
    expect(rows.map((x) => [x.Policy, x.Step, x.Result])).toEqual([
      ['nightly', 'on-time', 'planned'],
      ['nightly', 'create', 'planned'],
      ['nightly', 'create', 'planned'],
    ]);
    expect(
      rows
        .slice(1)
        .map((x) => x.Instance)
        .sort(),
    ).toEqual(['app-1', 'web-1']);
    expect(rows[1]!.Detail).toMatch(/^starts at \d{4}-/);
    expect(cli.since(before).filter((e) => e.command === 'createStorageSnapshot' || e.command === 'domfsfreeze')).toEqual([]);
    expect(occurrences()).toEqual([]);
  });

  it('runs the due occurrence; run twice, the second run does nothing and says so', async () => {
    const first = await cli.run(['run-due', '-f', 'json']);
    expect(first.code, first.stderr).toBe(0);
    const rows = JSON.parse(first.stdout) as Array<Record<string, string | null>>;
    const occurrence = rows[0]!.Occurrence!;
    expect(occurrence).toMatch(/^nightly@\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:00Z$/);
    expect(
      rows
        .filter((x) => x.Step === 'create')
        .map((x) => [x.Instance, x.Result])
        .sort(),
    ).toEqual([
      ['app-1', 'created'],
      ['web-1', 'created'],
    ]);
    expect(occurrences()).toEqual([{ occurrence, state: 'done' }]);
    const listed = await cli.json(['list', 'web-1']);
    expect(listed.filter((s) => s.Status === 'ok')).toHaveLength(2);

    const before = cli.mark();
    const second = await cli.run(['run-due']);
    expect(second.code).toBe(0);
    expect(second.stdout).toBe('');
    expect(second.stderr.trim()).toMatch(/^ccsnap: nothing is due \(next: nightly at \d{4}-\d{2}-\d{2}T/);
    expect(cli.since(before).filter((e) => e.command === 'createStorageSnapshot' || e.command === 'domfsfreeze' || e.command === 'deleteSnapshot')).toEqual([]);
    expect(JSON.parse((await cli.run(['run-due', '-f', 'json'])).stdout)).toEqual([]);
    expect(occurrences()).toEqual([{ occurrence, state: 'done' }]);
  });

  it('a policy that cannot run (Nova fails) is one coded stderr line and exit 1; the next run adopts its occurrence', async () => {
    await setPolicies([{ name: 'blind', instances: { names: ['app-1'] }, schedule: dueNowSchedule(), retention: { keep_last: 5 } }]);
    const fault = cli.sandbox.ctx.faults.add({ service: 'nova', key: '/compute/v2.1/servers/detail', errorCode: 500, errorText: 'nova is down' });
    try {
      const r = await cli.run(['run-due', '-f', 'json']);
      expect(r.code).toBe(1);
      const errors = r.stderr
        .trim()
        .split('\n')
        .filter((l) => l.startsWith('ccsnap: error:'));
      expect(errors).toEqual([expect.stringMatching(/^ccsnap: error: blind: .* \[CCSNAP_[A-Z_]+\]$/)]);
      expect((JSON.parse(r.stdout) as Array<Record<string, string>>).map((x) => [x.Policy, x.Step, x.Result])).toEqual([['blind', 'error', 'failed']]);
    } finally {
      cli.sandbox.ctx.faults.remove(fault);
    }
    // It was started before the inventory failed: the next run adopts and serves it.
    const next = await cli.json(['run-due']);
    expect(next.map((x) => [x.Step, x.Instance, x.Result])).toEqual([
      ['adopted', null, 'done'],
      ['create', 'app-1', 'created'],
    ]);
  });

  it('a failed instance is one coded stderr line and exit 1; the others are served', async () => {
    await setPolicies([{ name: 'withagentless', instances: { names: ['app-1', 'noagent-1'] }, schedule: dueNowSchedule(), retention: { keep_last: 5 } }]);
    const r = await cli.run(['run-due', '-f', 'json']);
    expect(r.code).toBe(1);
    expect(
      r.stderr
        .trim()
        .split('\n')
        .filter((l) => l.startsWith('ccsnap: error:')),
    ).toEqual([expect.stringMatching(/^ccsnap: error: withagentless: noagent-1: .* \[CCSNAP_HV_AGENT_[A-Z_]+\]$/)]);
    const rows = JSON.parse(r.stdout) as Array<Record<string, string | null>>;
    expect(
      rows
        .filter((x) => x.Step === 'create')
        .map((x) => [x.Instance, x.Result])
        .sort(),
    ).toEqual([
      ['app-1', 'created'],
      ['noagent-1', 'failed'],
    ]);
  });
});
