import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliError, startSandboxCli, type CreatedSet, type SandboxCli, type ServerVolume } from '../helpers/sandbox-cli.js';

/**
 * A rollback the array fails half-way (the second of db-1's three volumes): the instance is left stopped
 * and locked, the output says where each volume stands, and `ccsnap recover` finishes the job.
 */

type Row = Record<string, unknown>;

let cli: SandboxCli;
let db: ServerVolume[];
let target: CreatedSet;
let newer: CreatedSet;

beforeAll(async () => {
  cli = await startSandboxCli({ powerDelayMs: 50 });
  db = cli.volumes('db-1');
  target = await cli.createSet('db-1');
  newer = await cli.createSet('db-1');
});
afterAll(async () => cli?.close());

const rollbackPaths = (seq: number): Array<string | null> =>
  cli
    .since(seq)
    .filter((e) => e.command === 'rollbackToSnapshot')
    .map((e) => new URLSearchParams(e.query).get('path'));

describe('a rollback that fails on the second volume', () => {
  it('exits 1, leaves the instance SHUTOFF, and reports rolled-back / failed / pending per volume', async () => {
    cli.sandbox.ctx.faults.add({ service: 'array', key: 'rollbackToSnapshot', after: 1, times: 1, errorCode: 500, errorText: 'injected: pool busy' });
    const seq = cli.mark();
    const r = await cli.run(['rollback', 'db-1', target.set_id, '--discard-newer', '--yes', '-f', 'json']);
    expect(r.code).toBe(1);
    const rows = JSON.parse(r.stdout) as Row[];
    expect(rows.map((x) => [x['Volume ID'], x.State])).toEqual([
      [db[0]!.volumeId, 'rolled-back'],
      [db[1]!.volumeId, 'failed'],
      [db[2]!.volumeId, 'pending'],
    ]);
    expect(rows[1]!.Error).toContain('injected: pool busy');
    expect(rows.map((x) => x.Discarded)).toEqual(newer.members.map((m) => [m.path]));
    const err = cliError(r.stderr)!;
    expect(err.code).toBe('CCSNAP_ROLLBACK_INCOMPLETE');
    expect(err.message).toContain('ccsnap recover');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(rollbackPaths(seq)).toEqual([target.members[0]!.path, target.members[1]!.path]);
    expect(cli.server('db-1').status).toBe('SHUTOFF');
    expect(cli.since(seq).filter((e) => e.service === 'nova' && e.method === 'POST')).toHaveLength(1);
  });

  it('holds the instance: another create is refused with CCSNAP_LOCKED and nothing is snapshotted', async () => {
    const seq = cli.mark();
    const r = await cli.run(['create', 'db-1']);
    expect(r.code).toBe(1);
    expect(cliError(r.stderr)?.code).toBe('CCSNAP_LOCKED');
    expect(cli.since(seq).filter((e) => e.command === 'createStorageSnapshot' || e.command === 'domfsfreeze')).toEqual([]);
    // The automatic recovery every command runs does not resume rollbacks; it points at `ccsnap recover`.
    expect(r.stderr).toContain('ccsnap recover');
    const again = await cli.run(['rollback', 'db-1', target.set_id, '--discard-newer', '--yes']);
    expect(again.code).toBe(1);
    expect(cliError(again.stderr)?.code).toBe('CCSNAP_LOCKED');
    expect(cli.server('db-1').status).toBe('SHUTOFF');
  });

  it('ccsnap recover finishes the rollback (only the volumes left), starts the instance, and releases the lock', async () => {
    const seq = cli.mark();
    const r = await cli.run(['recover', '-f', 'json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual([expect.objectContaining({ Kind: 'rollback', Instance: 'db-1', Action: 'resume rollback', Outcome: 'recovered' })]);
    expect(rollbackPaths(seq)).toEqual([target.members[1]!.path, target.members[2]!.path]);
    expect(cli.server('db-1').status).toBe('ACTIVE');
    for (const [i, v] of db.entries()) expect(cli.snapshotNames(v.fsId)).toEqual([target.members[i]!.snapshot]);

    expect(JSON.parse((await cli.run(['recover', '-f', 'json'])).stdout)).toEqual([]);
    const listed = await cli.json<Row[]>(['list', 'db-1']);
    expect(listed.map((x) => [x['Set ID'], x.Status])).toEqual(target.members.map(() => [target.set_id, 'ok']));
    const created = await cli.json<Array<{ State: string }>>(['create', 'db-1']);
    expect(created.map((c) => c.State)).toEqual(['complete']);
  });
});
