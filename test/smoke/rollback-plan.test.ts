import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandboxCli, type SandboxCli } from '../helpers/sandbox-cli.js';
import { issueSandboxToken } from '../helpers/sandbox-token.js';

/** The rollback plan is printed on stderr with --yes too (numbered steps), and recorded in the journal. */
describe('rollback --yes prints and journals its plan', () => {
  let cli: SandboxCli;
  beforeAll(async () => {
    cli = await startSandboxCli();
  });
  afterAll(async () => cli.close());

  it('numbered steps on stderr, including "leave the instance stopped"; the same lines in the journal', async () => {
    const target = await cli.createSet('web-1');
    const newer = await cli.createSet('web-1');
    const id = cli.server('web-1').id;
    const r = await cli.run(['rollback', 'web-1', target.set_id, '--discard-newer', '--no-start', '--yes', '-f', 'json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toHaveLength(2);
    const steps = [
      '1. stop the instance and wait for SHUTOFF',
      `2. roll back volume ${target.members[0]!.volume_id} to ${target.members[0]!.path}`,
      `   DESTROYS newer snapshot ${newer.members[0]!.path} (deleted by ccsnap first)`,
      `3. roll back volume ${target.members[1]!.volume_id} to ${target.members[1]!.path}`,
      `   DESTROYS newer snapshot ${newer.members[1]!.path} (deleted by ccsnap first)`,
      '4. leave the instance stopped',
    ];
    expect(r.stderr).toBe(`${[`Rollback plan for web-1 (${id}) to set ${target.set_id}:`, ...steps.map((l) => `  ${l}`)].join('\n')}\n`);
    expect(cli.server('web-1').status).toBe('SHUTOFF');

    const db = new Database(cli.journalPath, { readonly: true });
    try {
      const rows = db.prepare("SELECT plan_json FROM operations WHERE kind = 'rollback' AND instance_id = ?").all(id) as Array<{ plan_json: string }>;
      expect(rows.map((row) => (JSON.parse(row.plan_json) as { steps: string[] }).steps)).toEqual([steps]);
    } finally {
      db.close();
    }
  });

  it('--dry-run prints the same plan and changes nothing', async () => {
    const set = await cli.createSet('db-1');
    const r = await cli.run(['rollback', 'db-1', set.set_id, '--dry-run']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^Rollback plan for db-1 \(.*\) to set [0-9a-f]+:\n {2}1\. stop the instance and wait for SHUTOFF\n/);
    expect(r.stderr).toContain('start the instance and wait for ACTIVE');
    expect(cli.server('db-1').status).toBe('ACTIVE');
  });

  it("rollback's stop and start show up in the server's instance actions (server event list), as on Nova", async () => {
    const set = await cli.createSet('app-1');
    const r = await cli.run(['rollback', 'app-1', set.set_id, '--yes']);
    expect(r.code, r.stderr).toBe(0);
    const { token } = await issueSandboxToken(cli.url);
    const res = await fetch(`${cli.url}/compute/v2.1/servers/${cli.server('app-1').id}/os-instance-actions`, { headers: { 'X-Auth-Token': token } });
    const body = (await res.json()) as { instanceActions: Array<{ action: string }> };
    expect(body.instanceActions.map((a) => a.action)).toEqual(['start', 'stop', 'create']);
  });
});
