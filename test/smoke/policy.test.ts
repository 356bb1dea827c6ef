import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { startSandboxCli, type SandboxCli } from '../helpers/sandbox-cli.js';

const HOURLY_WEB = {
  name: 'hourly-web',
  instances: { names: ['web-*', 'db-*'], metadata: { 'ccsnap-policy': 'hourly' } },
  schedule: '0 * * * *',
  timezone: 'Europe/Berlin',
  retention: { keep_last: 1 },
  spread: '10m',
  notify: { webhook: 'https://hooks.example.test/services/secret-token' },
};
const SERVICE_DAILY = { name: 'service-daily', instances: { projects: ['service'] }, schedule: '30 2 * * *', retention: { daily: 7 } };

/** `ccsnap policy list|show` on the built CLI, against the sandbox configured as a real cloud (clouds.yaml + --config). */
describe('ccsnap policy list | show', () => {
  let cli: SandboxCli;
  const configPath = () => join(cli.dir, 'ccsnap.yaml');

  async function setPolicies(policies: unknown[]): Promise<void> {
    const doc = parse(await readFile(configPath(), 'utf8')) as { clouds: Record<string, Record<string, unknown>> };
    for (const cloud of Object.values(doc.clouds)) cloud.policies = policies;
    await writeFile(configPath(), stringify(doc));
  }

  beforeAll(async () => {
    cli = await startSandboxCli({
      mode: 'configured',
      prepare(state) {
        const service = state.keystone.projects.find((p) => p.name === 'service')!;
        state.nova.servers.find((s) => s.name === 'web-1')!.metadata = { 'ccsnap-policy': 'hourly' };
        state.nova.servers.find((s) => s.name === 'app-1')!.tenantId = service.id;
      },
    });
    await setPolicies([HOURLY_WEB, SERVICE_DAILY]);
  });
  afterAll(async () => cli?.close());

  it('lists the policies with their next occurrence in their zone, and nothing recorded yet', async () => {
    const rows = await cli.json(['policy', 'list']);
    expect(rows.map((r) => [r.Name, r.Schedule, r.Timezone, r.Retention, r.Instances, r['Last State']])).toEqual([
      ['hourly-web', '0 * * * *', 'Europe/Berlin', 'keep_last 1', 'names web-*, db-*; metadata ccsnap-policy=hourly', null],
      ['service-daily', '30 2 * * *', 'UTC', 'daily 7', 'projects service', null],
    ]);
    expect(rows[0]!.Next).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:00:00\+0[12]:00$/);
    expect(rows[1]!.Next).toMatch(/^\d{4}-\d{2}-\d{2}T02:30:00\+00:00$/);
  });

  it('shows the instances a policy matches: by name glob and metadata, and by project name (Keystone)', async () => {
    const hourly = await cli.json<Record<string, unknown>>(['policy', 'show', 'hourly-web']);
    expect((hourly.matched_instances as Array<{ name: string }>).map((i) => i.name)).toEqual(['web-1']);
    expect(hourly.next_occurrences).toHaveLength(5);
    expect(hourly.notify).toBe('https://hooks.example.test/… on failure, recovery');
    const daily = await cli.json<Record<string, unknown>>(['policy', 'show', 'service-daily']);
    expect((daily.matched_instances as Array<{ name: string }>).map((i) => i.name)).toEqual(['app-1']);
  });

  it("never prints the webhook URL's path (it may hold a token)", async () => {
    for (const args of [
      ['policy', 'show', 'hourly-web'],
      ['policy', 'list'],
    ]) {
      const r = await cli.run([...args, '-f', 'yaml']);
      expect(r.code).toBe(0);
      expect(r.stdout + r.stderr).not.toContain('secret-token');
    }
  });

  it("shows what retention keeps and prunes, with the rule, for this policy's sets only", async () => {
    // Three sets made by the policy (`policy run` records the policy and its occurrence on each), kept
    // by a keep_last of 3 while they are made; then the policy keeps 1.
    // (Without its webhook: a test never sends traffic beyond the loopback, even on a failure.)
    const { notify: _notify, ...quiet } = HOURLY_WEB;
    await setPolicies([{ ...quiet, retention: { keep_last: 3 } }, SERVICE_DAILY]);
    const made: Array<{ set_id: string }> = [];
    for (let i = 0; i < 3; i++) {
      const rows = await cli.json(['policy', 'run', 'hourly-web']);
      made.push({ set_id: rows.find((r) => r.Step === 'create' && r.Instance === 'web-1')!['Set ID'] as string });
    }
    const manual = await cli.createSet('web-1');
    await setPolicies([HOURLY_WEB, SERVICE_DAILY]);
    const db = new Database(cli.journalPath, { readonly: true });
    const recorded = db.prepare('SELECT id, policy, occurrence FROM sets WHERE policy IS NOT NULL ORDER BY created_at').all() as Array<{
      id: string;
      policy: string;
      occurrence: string;
    }>;
    db.close();
    expect(recorded.map((r) => [r.id, r.policy])).toEqual(made.map((m) => [m.set_id, 'hourly-web']));
    expect(recorded.every((r) => /^hourly-web@adhoc-/.test(r.occurrence))).toBe(true);
    const show = await cli.json<Record<string, unknown>>(['policy', 'show', 'hourly-web']);
    const decisions = show.retention_decisions as Array<{ set_id: string; action: string; kept_by: string }>;
    expect(decisions.map((d) => [d.set_id, d.action, d.kept_by])).toEqual([
      [made[2]!.set_id, 'keep', 'keep-last 1/1'],
      [made[1]!.set_id, 'prune', ''],
      [made[0]!.set_id, 'prune', ''],
    ]);
    expect([show.keep, show.prune]).toEqual([1, 2]);
    expect(decisions.map((d) => d.set_id)).not.toContain(manual.set_id);
    // Showing is not pruning: every set is still on the array.
    const listed = await cli.json(['list', 'web-1']);
    expect(new Set(listed.map((r) => r['Set ID']))).toEqual(new Set([...made, manual].map((s) => s.set_id)));
  });

  it('an unknown policy is one coded line', async () => {
    const r = await cli.run(['policy', 'show', 'nope']);
    expect(r.code).toBe(1);
    expect(r.stderr.trimEnd().split('\n')).toEqual([
      'ccsnap: error: no policy nope for cloud ccsnap-sandbox (policies: hourly-web, service-daily) [CCSNAP_POLICY_NOT_FOUND]',
    ]);
  });

  it('a bad policy fails every command with one coded line naming the policy and field, changing nothing', async () => {
    await setPolicies([{ ...HOURLY_WEB, retention: { keep_lats: 3 } }]);
    try {
      const before = cli.mark();
      for (const args of [
        ['policy', 'list'],
        ['create', 'web-1'],
      ]) {
        const r = await cli.run(args);
        expect(r.code, args.join(' ')).toBe(1);
        expect(r.stderr.trimEnd().split('\n')).toEqual([
          'ccsnap: error: policy hourly-web: retention has unknown key keep_lats (known: keep_last, hourly, daily, weekly, monthly, yearly) [CCSNAP_POLICY_CONFIG]',
        ]);
      }
      expect(cli.since(before).filter((e) => e.command === 'createStorageSnapshot' || e.command === 'domfsfreeze')).toEqual([]);
    } finally {
      await setPolicies([HOURLY_WEB, SERVICE_DAILY]);
    }
  });
});
