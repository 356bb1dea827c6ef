import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readDomainEvents } from '../../src/sandbox/hypervisor/helpers.js';
import type { TranscriptEntry } from '../../src/sandbox/transcript.js';
import { cliError, startSandboxCli, type CreatedSet, type SandboxCli, type ServerVolume } from '../helpers/sandbox-cli.js';

/**
 * `ccsnap rollback` against the sandbox over HTTP with ZFS semantics (the array refuses to roll back past
 * newer snapshots; ccsnap destroys them itself, only when told to).
 */

type Row = Record<string, unknown>;

let cli: SandboxCli;
let web: ServerVolume[];
const sets: CreatedSet[] = [];
let dbSet: CreatedSet;
const FOREIGN_ELSEWHERE = 'other-tool-app';

beforeAll(async () => {
  cli = await startSandboxCli({ powerDelayMs: 50 });
  web = cli.volumes('web-1');
  for (let i = 0; i < 3; i++) sets.push(await cli.createSet('web-1'));
  dbSet = await cli.createSet('db-1');
  await cli.arrayCall('createStorageSnapshot', { id: cli.volumes('app-1')[0]!.fsId, name: FOREIGN_ELSEWHERE });
});
afterAll(async () => cli?.close());

/** Every snapshot on the array, as fsId@name. */
const arraySnapshots = (): string[] => cli.sandbox.ctx.state.array.snapshots.map((s) => `${s.fsId}@${s.name}`).sort();
const status = (name: string): string => cli.server(name).status;
const isAction = (e: TranscriptEntry): boolean => e.service === 'nova' && e.method === 'POST' && e.path.endsWith('/action');
const mutations = (seq: number): TranscriptEntry[] =>
  cli.since(seq).filter((e) => isAction(e) || ['rollbackToSnapshot', 'deleteSnapshot', 'createStorageSnapshot'].includes(e.command ?? ''));

/** Runs a rollback that must be refused: exit 1 with `code`, one error line, and nothing changed anywhere. */
async function expectRefused(args: string[], code: string): Promise<{ message: string }> {
  const before = arraySnapshots();
  const seq = cli.mark();
  const r = await cli.run(args);
  expect(r.code).toBe(1);
  expect(r.stdout).toBe('');
  const err = cliError(r.stderr);
  expect(err?.code).toBe(code);
  expect(r.stderr).not.toMatch(/\n\s+at /);
  expect(mutations(seq)).toEqual([]);
  expect(arraySnapshots()).toEqual(before);
  expect(status('web-1')).toBe('ACTIVE');
  return err!;
}

describe('ccsnap rollback (ZFS semantics: newest-only)', () => {
  it('to an older set without --discard-newer: refused, naming every newer snapshot; nothing changes, the instance is never stopped', async () => {
    const err = await expectRefused(['rollback', 'web-1', sets[0]!.set_id, '--yes'], 'CCSNAP_NEWER_SNAPSHOTS');
    for (const s of sets.slice(1)) for (const m of s.members) expect(err.message).toContain(m.path);
    expect(err.message).not.toContain(sets[0]!.members[0]!.path);
    expect(err.message).toContain('--discard-newer');
  });

  it('--dry-run prints the plan with what it would destroy, and changes nothing', async () => {
    const before = arraySnapshots();
    const seq = cli.mark();
    const r = await cli.run(['rollback', 'web-1', sets[0]!.set_id, '--discard-newer', '--dry-run', '-f', 'json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(
      web.map((v, i) => ({
        'Volume ID': v.volumeId,
        Target: sets[0]!.members[i]!.path,
        State: 'planned',
        Discarded: sets.slice(1).map((s) => s.members[i]!.path),
        Error: null,
      })),
    );
    for (const s of sets.slice(1)) expect(r.stderr).toContain(`DESTROYS newer snapshot ${s.members[0]!.path}`);
    expect(mutations(seq)).toEqual([]);
    expect(arraySnapshots()).toEqual(before);
    expect(status('web-1')).toBe('ACTIVE');
  });

  it('without --yes and without a terminal: exit 2, CCSNAP_CONFIRM_REQUIRED, nothing changes', async () => {
    const before = arraySnapshots();
    const seq = cli.mark();
    const r = await cli.run(['rollback', 'web-1', sets[0]!.set_id, '--discard-newer']);
    expect(r.code).toBe(2);
    expect(cliError(r.stderr)?.code).toBe('CCSNAP_CONFIRM_REQUIRED');
    expect(mutations(seq)).toEqual([]);
    expect(arraySnapshots()).toEqual(before);
  });

  it('a newer snapshot with a clone cannot be destroyed: refused before anything changes', async () => {
    const extra = await cli.createSet('web-1');
    await cli.arrayCall('cloneDatasetSnapshot', { id: web[0]!.fsId, path: extra.members[0]!.path, clonename: 'clone-of-newest' });
    const err = await expectRefused(['rollback', 'web-1', sets[0]!.set_id, '--discard-newer', '--yes'], 'CCSNAP_ARRAY_HAS_CLONES');
    expect(err.message).toContain(extra.members[0]!.path);
    // The clone goes away (as if its filesystem were deleted); then the extra set can be deleted.
    cli.sandbox.ctx.state.array.snapshots.find((s) => s.name === extra.members[0]!.snapshot)!.clones = 0;
    expect((await cli.json<Row[]>(['delete', 'web-1', extra.set_id, '--yes'])).map((r) => r.Outcome)).toEqual(['deleted', 'deleted']);
  });

  it('with --discard-newer: stops, destroys exactly the newer snapshots, rolls back, starts; list agrees', async () => {
    const before = arraySnapshots();
    const doomed = sets.slice(1).flatMap((s) => s.members.map((m, i) => `${web[i]!.fsId}@${m.snapshot}`));
    const domain = cli.server('web-1').instanceName;
    const eventsBefore = (await readDomainEvents(cli.url, domain)).length;
    const seq = cli.mark();
    const r = await cli.run(['rollback', 'web-1', sets[0]!.set_id, '--discard-newer', '--yes', '-f', 'json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(
      web.map((v, i) => ({
        'Volume ID': v.volumeId,
        Target: sets[0]!.members[i]!.path,
        State: 'rolled-back',
        Discarded: sets.slice(1).map((s) => s.members[i]!.path),
        Error: null,
      })),
    );
    expect(arraySnapshots()).toEqual(before.filter((s) => !doomed.includes(s)));
    expect(status('web-1')).toBe('ACTIVE');

    // Order on the wire: stop (and Nova reports SHUTOFF) before any array change; start after the last rollback.
    const log = cli.since(seq);
    const actions = log.filter(isAction);
    const rollbacks = log.filter((e) => e.command === 'rollbackToSnapshot');
    const deletes = log.filter((e) => e.command === 'deleteSnapshot');
    expect(actions).toHaveLength(2);
    expect(rollbacks.map((e) => new URLSearchParams(e.query).get('path'))).toEqual(sets[0]!.members.map((m) => m.path));
    expect(deletes).toHaveLength(4);
    expect(actions[0]!.seq).toBeLessThan(Math.min(...[...rollbacks, ...deletes].map((e) => e.seq)));
    expect(actions[1]!.seq).toBeGreaterThan(Math.max(...rollbacks.map((e) => e.seq)));
    expect(log.some((e) => e.command === 'domstate' && e.seq > actions[0]!.seq && e.seq < deletes[0]!.seq)).toBe(true);
    // The two actions were os-stop then os-start: the domain went down once and came up once.
    expect((await readDomainEvents(cli.url, domain)).slice(eventsBefore).map((e) => e.kind)).toEqual(['stop', 'start']);

    const listed = await cli.json<Row[]>(['list', 'web-1']);
    expect(listed.map((x) => [x['Set ID'], x.Status])).toEqual([
      [sets[0]!.set_id, 'ok'],
      [sets[0]!.set_id, 'ok'],
    ]);
    expect((await cli.json<Row>(['show', sets[1]!.set_id])).state).toBe('deleted');
  });

  it('to a set that no longer exists, or of another instance: refused, the instance is not stopped', async () => {
    await expectRefused(['rollback', 'web-1', sets[2]!.set_id, '--yes'], 'CCSNAP_SET_NOT_FOUND');
    await expectRefused(['rollback', 'web-1', 'feedfacecafe', '--yes'], 'CCSNAP_SET_NOT_FOUND');
    await expectRefused(['rollback', 'web-1', dbSet.set_id, '--yes'], 'CCSNAP_SET_OTHER_INSTANCE');
  });

  it('a set covering only some volumes is refused without --partial, and rolls back only those with it', async () => {
    // Another tool's snapshot of the boot volume only: a one-volume "set".
    await cli.arrayCall('createStorageSnapshot', { id: web[0]!.fsId, name: 'boot-only.manual' });
    const err = await expectRefused(['rollback', 'web-1', 'boot-only.manual', '--yes'], 'CCSNAP_ROLLBACK_PARTIAL_SET');
    expect(err.message).toContain(web[1]!.volumeId);
    expect(err.message).toContain('--partial');

    const dataBefore = cli.snapshotNames(web[1]!.fsId);
    const before = arraySnapshots();
    const seq = cli.mark();
    const r = await cli.run(['rollback', 'web-1', 'boot-only.manual', '--partial', '--yes', '-f', 'json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual([
      { 'Volume ID': web[0]!.volumeId, Target: cli.snapshotPath(web[0]!.fsId, 'boot-only.manual'), State: 'rolled-back', Discarded: [], Error: null },
    ]);
    const rollbacks = cli.since(seq).filter((e) => e.command === 'rollbackToSnapshot');
    expect(rollbacks.map((e) => new URLSearchParams(e.query).get('id'))).toEqual([web[0]!.fsId]);
    expect(cli.snapshotNames(web[1]!.fsId)).toEqual(dataBefore);
    expect(arraySnapshots()).toEqual(before);
    expect(status('web-1')).toBe('ACTIVE');
  });

  it('a stopped instance is rolled back without a stop and left stopped', async () => {
    const stoppedSet = await cli.createSet('stopped-1');
    const seq = cli.mark();
    const r = await cli.run(['rollback', 'stopped-1', stoppedSet.set_id, '--yes', '-f', 'json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).map((x: Row) => x.State)).toEqual(['rolled-back', 'rolled-back']);
    expect(cli.since(seq).filter(isAction)).toEqual([]);
    expect(cli.since(seq).filter((e) => e.command === 'rollbackToSnapshot')).toHaveLength(2);
    expect(status('stopped-1')).toBe('SHUTOFF');
  });

  it("other instances' snapshots were never touched", () => {
    expect(cli.snapshotNames(cli.volumes('app-1')[0]!.fsId)).toEqual([FOREIGN_ELSEWHERE]);
    for (const [i, v] of cli.volumes('db-1').entries()) expect(cli.snapshotNames(v.fsId)).toEqual([dbSet.members[i]!.snapshot]);
  });
});
