import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliError, startSandboxCli, type CreatedSet, type SandboxCli, type ServerVolume } from '../helpers/sandbox-cli.js';
import { HAVE_SEED_TOOLS, runSeedPipeline, SEED_SNAPSHOT_NAME } from '../helpers/seed-pipeline.js';
import { skipWithout } from '../helpers/software.js';

const SKIP_SEED_TOOLS = skipWithout(HAVE_SEED_TOOLS, "curl (the seed post's pipeline)");

/** `ccsnap delete` against the sandbox over HTTP (the built CLI, dist/). */

type Row = Record<string, unknown>;

let cli: SandboxCli;
let web: ServerVolume[];
const webSets: CreatedSet[] = [];
let dbSet: CreatedSet;

beforeAll(async () => {
  cli = await startSandboxCli();
  web = cli.volumes('web-1');
  for (let i = 0; i < 4; i++) webSets.push(await cli.createSet('web-1'));
  dbSet = await cli.createSet('db-1');
});
afterAll(async () => cli?.close());

const allSnapshots = (): string[] => cli.sandbox.ctx.state.array.snapshots.map((s) => `${s.fsId}@${s.name}`).sort();
const deleteRequests = (seq: number) => cli.since(seq).filter((e) => e.command === 'deleteSnapshot');

describe('ccsnap delete INSTANCE SET', () => {
  it('deletes a set, and deleting it again succeeds as already-absent', async () => {
    const set = webSets[0]!;
    const first = await cli.json<Row[]>(['delete', 'web-1', set.set_id, '--yes']);
    expect(first.map((r) => [r['Set ID'], r['Volume ID'], r.Snapshot, r.Path, r.Outcome, r.Error])).toEqual(
      set.members.map((m) => [set.set_id, m.volume_id, m.snapshot, m.path, 'deleted', null]),
    );
    for (const v of web) expect(cli.snapshotNames(v.fsId)).not.toContain(set.members.find((m) => m.volume_id === v.volumeId)!.snapshot);

    const seq = cli.mark();
    const again = await cli.run(['delete', 'web-1', set.set_id, '-f', 'json']);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout).map((r: Row) => [r.Snapshot, r.Outcome])).toEqual(set.members.map((m) => [m.snapshot, 'already-absent']));
    expect(deleteRequests(seq)).toEqual([]);
    expect((await cli.json<Row>(['show', set.set_id])).state).toBe('deleted');
  });

  it("a set whose snapshots were removed on the array behind ccsnap's back: already-absent, exit 0", async () => {
    const set = webSets[1]!;
    for (const [i, m] of set.members.entries()) await cli.arrayCall('deleteSnapshot', { id: web[i]!.fsId, path: m.path });
    expect((await cli.json<Row[]>(['list', 'web-1'])).filter((r) => r['Set ID'] === set.set_id).map((r) => r.Status)).toEqual([
      'missing-on-array',
      'missing-on-array',
    ]);
    const out = await cli.json<Row[]>(['delete', 'web-1', set.set_id, '--yes']);
    expect(out.map((r) => r.Outcome)).toEqual(['already-absent', 'already-absent']);
    expect((await cli.json<Row[]>(['list', 'web-1'])).filter((r) => r['Set ID'] === set.set_id)).toEqual([]);
  });

  it('only touches the named instance: a set of another instance is named as such and nothing is deleted', async () => {
    const before = allSnapshots();
    const seq = cli.mark();
    for (const args of [
      ['delete', 'web-1', dbSet.set_id, '--yes'],
      ['delete', 'web-1', webSets[2]!.set_id, dbSet.set_id, '--yes'],
      ['delete', 'db-1', webSets[2]!.set_id, '--yes'],
    ]) {
      const r = await cli.run(args);
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(cliError(r.stderr)?.code).toBe('CCSNAP_SET_OTHER_INSTANCE');
      expect(r.stderr).toMatch(/belongs to instance (db|web)-1 /);
      expect(r.stderr.split('\n').filter(Boolean)).toHaveLength(1);
    }
    expect(deleteRequests(seq)).toEqual([]);
    expect(allSnapshots()).toEqual(before);
  });

  it('refuses a set with a cloned snapshot, names it, and deletes nothing of the set', async () => {
    const set = webSets[2]!;
    await cli.arrayCall('cloneDatasetSnapshot', { id: web[1]!.fsId, path: set.members[1]!.path, clonename: 'webclone1' });
    const before = allSnapshots();
    const seq = cli.mark();
    const r = await cli.run(['delete', 'web-1', set.set_id, '--yes']);
    expect(r.code).toBe(1);
    expect(cliError(r.stderr)).toEqual({ code: 'CCSNAP_ARRAY_HAS_CLONES', message: expect.stringContaining(set.members[1]!.path) });
    expect(cliError(r.stderr)!.message).toContain('nothing was deleted');
    expect(deleteRequests(seq)).toEqual([]);
    expect(allSnapshots()).toEqual(before);
  });

  it('--dry-run names what would go and deletes nothing; no --yes without a terminal is refused', async () => {
    const set = webSets[3]!;
    const before = allSnapshots();
    const seq = cli.mark();
    const dry = await cli.json<Row[]>(['delete', 'web-1', set.set_id, '--dry-run']);
    expect(dry.map((r) => [r.Snapshot, r.Outcome])).toEqual(set.members.map((m) => [m.snapshot, 'would delete']));
    const unconfirmed = await cli.run(['delete', 'web-1', set.set_id]);
    expect(unconfirmed.code).toBe(2);
    expect(cliError(unconfirmed.stderr)?.code).toBe('CCSNAP_CONFIRM_REQUIRED');
    expect(deleteRequests(seq)).toEqual([]);
    expect(allSnapshots()).toEqual(before);
  });

  it.skipIf(SKIP_SEED_TOOLS)("a snapshot made by the seed post's curl pipeline is listed as foreign and can be deleted by name", async () => {
    await runSeedPipeline({ sandboxUrl: cli.url, apiKey: cli.sandbox.ctx.state.array.apiKey, fsName: web[0]!.fsName, workDir: `${cli.dir}/seed` });
    const listed = (await cli.json<Row[]>(['list', 'web-1'])).filter((r) => r.Snapshot === SEED_SNAPSHOT_NAME);
    expect(listed).toEqual([
      expect.objectContaining({ 'Volume ID': web[0]!.volumeId, 'Set ID': null, Status: 'foreign', Path: cli.snapshotPath(web[0]!.fsId, SEED_SNAPSHOT_NAME) }),
    ]);

    const seq = cli.mark();
    const out = await cli.json<Row[]>(['delete', 'web-1', SEED_SNAPSHOT_NAME, '--yes']);
    expect(out).toEqual([
      {
        'Set ID': null,
        'Volume ID': web[0]!.volumeId,
        Snapshot: SEED_SNAPSHOT_NAME,
        Path: cli.snapshotPath(web[0]!.fsId, SEED_SNAPSHOT_NAME),
        Outcome: 'deleted',
        Error: null,
      },
    ]);
    expect(deleteRequests(seq).map((e) => new URLSearchParams(e.query).get('path'))).toEqual([cli.snapshotPath(web[0]!.fsId, SEED_SNAPSHOT_NAME)]);
    expect(cli.snapshotNames(web[0]!.fsId)).not.toContain(SEED_SNAPSHOT_NAME);
  });
});

describe('ccsnap delete --keep-last / --older-than (pruning)', () => {
  let app: ServerVolume;
  const recent: string[] = [];
  const OLD1 = 'ccs_0123456789ab_20200101000000_1of1';
  const OLD2 = 'ccs_0123456789ac_20200201000000_1of1_nightly';
  const FOREIGN = 'weekly-2019';

  beforeAll(async () => {
    app = cli.volumes('app-1')[0]!;
    // Two old ccsnap-named sets another ccsnap (another journal) made, an old snapshot of another tool, four recent sets.
    await cli.arrayCall('createStorageSnapshot', { id: app.fsId, name: OLD1 });
    await cli.arrayCall('createStorageSnapshot', { id: app.fsId, name: OLD2 });
    await cli.arrayCall('createStorageSnapshot', { id: app.fsId, name: FOREIGN });
    cli.sandbox.ctx.state.array.snapshots.find((s) => s.name === FOREIGN)!.createdAt = Date.parse('2019-06-01T00:00:00Z');
    for (let i = 0; i < 4; i++) recent.push((await cli.createSet('app-1')).set_id);
  });

  const setsOnArray = (): string[] => cli.snapshotNames(app.fsId).map((n) => /^ccs_([0-9a-f]{12})_/.exec(n)?.[1] ?? n);

  it('--dry-run --keep-last 3: the sets beyond the newest three, never the foreign snapshot', async () => {
    const rows = await cli.json<Row[]>(['delete', 'app-1', '--keep-last', '3', '--dry-run']);
    expect(rows.map((r) => r['Set ID']).sort()).toEqual([recent[0]!, '0123456789ab', '0123456789ac'].sort());
    expect(rows.every((r) => r.Outcome === 'would delete')).toBe(true);
  });

  it('--older-than 30d deletes only the old ccsnap sets', async () => {
    const rows = await cli.json<Row[]>(['delete', 'app-1', '--older-than', '30d', '--yes']);
    expect(rows.map((r) => [r.Snapshot, r.Outcome]).sort()).toEqual([
      [OLD1, 'deleted'],
      [OLD2, 'deleted'],
    ]);
    expect(setsOnArray()).toEqual([FOREIGN, ...recent]);
  });

  it('--keep-last 2 keeps exactly the two newest sets (and the foreign snapshot)', async () => {
    const rows = await cli.json<Row[]>(['delete', 'app-1', '--keep-last', '2', '--yes']);
    expect(rows.map((r) => r['Set ID'])).toEqual(expect.arrayContaining([recent[0], recent[1]]));
    expect(rows).toHaveLength(2);
    expect(setsOnArray()).toEqual([FOREIGN, recent[2], recent[3]]);
  });

  it('--keep-last 1 --older-than 1h: both must hold, so nothing recent goes', async () => {
    const rows = await cli.json<Row[]>(['delete', 'app-1', '--keep-last', '1', '--older-than', '1h', '--yes']);
    expect(rows).toEqual([]);
    expect(setsOnArray()).toEqual([FOREIGN, recent[2], recent[3]]);
  });

  it('no set and no pruning option is a usage error', async () => {
    const r = await cli.run(['delete', 'app-1', '--yes']);
    expect(r.code).toBe(2);
    expect(cliError(r.stderr)?.code).toBe('CCSNAP_USAGE');
  });
});
