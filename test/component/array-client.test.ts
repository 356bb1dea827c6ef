import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createElastiCenterClient } from '../../src/array/client.js';
import { resolveFilesystems } from '../../src/array/mapping.js';
import type { ElastiCenterClient } from '../../src/array/types.js';
import type { CcsnapError } from '../../src/errors.js';
import { addSameNameFilesystem, startSandbox, type RunningSandbox } from '../../src/sandbox/index.js';
import { rejectionOf } from '../helpers/rejection.js';

/** Every failure here must keep the array's API key out of its message and details. */
async function failure(p: Promise<unknown>): Promise<CcsnapError> {
  const e = await rejectionOf(p, { secrets: [apiKey] });
  expect(String(e.details.url ?? '')).not.toMatch(/apikey/i);
  return e;
}

let sandbox: RunningSandbox;
let client: ElastiCenterClient;
let apiKey: string;

function arrayCommands(since = 0): string[] {
  return sandbox.ctx.transcript
    .list(since)
    .filter((e) => e.service === 'array')
    .map((e) => e.command ?? '');
}

function fsOfVolume(index: number): { volumeId: string; fsId: string } {
  const vols = sandbox.ctx.state.cinder.volumes.filter((v) => v.volumeType.startsWith('cb-'));
  const volumeId = vols[index]!.id;
  const fs = sandbox.ctx.state.array.filesystems.find((f) => f.name === volumeId.replace(/-/g, ''))!;
  return { volumeId, fsId: fs.id };
}

beforeAll(async () => {
  sandbox = await startSandbox();
  apiKey = sandbox.ctx.state.array.apiKey;
  client = createElastiCenterClient({ url: `${sandbox.url}/client/api`, apiKey, name: 'ec1', timeoutMs: 5_000 });
});
afterAll(async () => {
  await client.close();
  await sandbox.close();
});

describe('ElastiCenter client against the sandbox array', () => {
  it('lists filesystems (Tsmid mapped to tsmId) and filters by id and tsmid', async () => {
    const all = await client.listFileSystems();
    expect(all.length).toBe(sandbox.ctx.state.array.filesystems.length);
    const tsm = sandbox.ctx.state.array.tsms[0]!;
    expect(all[0]).toMatchObject({ tsmId: tsm.id, tsmName: 'OPENSTACK_VSM', accountName: 'OPENSTACK_ACC', status: 'Online' });
    const one = await client.listFileSystems({ id: all[1]!.id });
    expect(one.map((f) => f.id)).toEqual([all[1]!.id]);
    expect((await client.listFileSystems({ tsmId: tsm.id })).length).toBe(all.length);
    expect(await client.listFileSystems({ tsmId: 'no-such-tsm' })).toEqual([]);
  });

  it('resolves Cinder volume ids to filesystems with one listFileSystem call, and reports missing ones', async () => {
    const a = fsOfVolume(0);
    const b = fsOfVolume(1);
    const since = sandbox.ctx.transcript.lastSeq();
    const map = await resolveFilesystems(client, [a.volumeId, b.volumeId]);
    expect(map.get(a.volumeId)!.id).toBe(a.fsId);
    expect(map.get(b.volumeId)!.id).toBe(b.fsId);
    expect(arrayCommands(since)).toEqual(['listFileSystem']);
    const ghost = '00000000-1111-2222-3333-444444444444';
    const err = await failure(resolveFilesystems(client, [a.volumeId, ghost]));
    expect(err.code).toBe('CCSNAP_ARRAY_FS_NOT_FOUND');
    expect(err.details.volumeIds).toEqual([ghost]);
    const partial = await resolveFilesystems(client, [a.volumeId, ghost], { onMissing: 'omit' });
    expect([...partial.keys()]).toEqual([a.volumeId]);
  });

  it('refuses a volume that matches two filesystems (two TSMs), naming both; with `problems`, reports instead of throwing', async () => {
    const a = fsOfVolume(0);
    const b = fsOfVolume(1);
    const twin = addSameNameFilesystem(sandbox.ctx.state.array, a.volumeId.replace(/-/g, ''));
    try {
      const err = await failure(resolveFilesystems(client, [a.volumeId, b.volumeId]));
      expect(err.code).toBe('CCSNAP_ARRAY_FS_AMBIGUOUS');
      expect(err.message).toContain(a.fsId);
      expect(err.message).toContain(twin.id);
      expect(err.details.candidates).toEqual([
        { volumeId: a.volumeId, array: 'ec1', id: a.fsId, name: twin.name, tsm: 'OPENSTACK_VSM' },
        { volumeId: a.volumeId, array: 'ec1', id: twin.id, name: twin.name, tsm: 'OTHER_VSM' },
      ]);
      const problems = new Map<string, CcsnapError>();
      const ghost = '00000000-1111-2222-3333-444444444444';
      const found = await resolveFilesystems(client, [a.volumeId, b.volumeId, ghost], { problems });
      expect([...found.keys()]).toEqual([b.volumeId]);
      expect(problems.get(a.volumeId)?.code).toBe('CCSNAP_ARRAY_FS_AMBIGUOUS');
      expect(problems.get(ghost)?.code).toBe('CCSNAP_ARRAY_FS_NOT_FOUND');
    } finally {
      sandbox.ctx.state.array.filesystems = sandbox.ctx.state.array.filesystems.filter((f) => f.id !== twin.id);
      sandbox.ctx.state.array.tsms = sandbox.ctx.state.array.tsms.filter((t) => t.name !== 'OTHER_VSM');
    }
  });

  it('creates, lists (oldest first, {} when empty), and deletes snapshots by path', async () => {
    const { fsId } = fsOfVolume(2);
    expect(await client.listStorageSnapshots({ fsId })).toEqual([]);
    const created = await client.createStorageSnapshot({ fsId, name: 'snap_a' });
    expect(created).toMatchObject({ fsId, name: 'snap_a', reconciled: false, path: null });
    expect(created.id).toMatch(/^[0-9a-f-]{36}$/);
    await client.createStorageSnapshot({ fsId, name: 'snap_b' });
    const snaps = await client.listStorageSnapshots({ fsId });
    const fsName = sandbox.ctx.state.array.filesystems.find((f) => f.id === fsId)!.name;
    expect(snaps.map((s) => s.name)).toEqual(['snap_a', 'snap_b']);
    expect(snaps[0]).toMatchObject({ path: `POOL1/OPENSTACK_ACCOPENSTACK_VSM/${fsName}@snap_a`, clones: 0, fsId });
    expect(snaps[0]!.timestamp).toMatch(/^\w{3} \w{3} \d{2} \d{4} \d{2}:\d{2}$/);
    expect((await client.findSnapshot({ fsId, name: 'snap_b' }))?.path).toBe(snaps[1]!.path);
    expect(await client.deleteSnapshot({ fsId, path: snaps[0]!.path })).toEqual({ outcome: 'deleted' });
    expect(await client.deleteSnapshot({ fsId, path: snaps[0]!.path })).toEqual({ outcome: 'already-absent' });
    expect((await client.listStorageSnapshots({ fsId })).map((s) => s.name)).toEqual(['snap_b']);
  });

  it('refuses a duplicate name (431 "dataset already exists") and bad names before sending', async () => {
    const { fsId } = fsOfVolume(3);
    await client.createStorageSnapshot({ fsId, name: 'dup' });
    const dup = await failure(client.createStorageSnapshot({ fsId, name: 'dup' }));
    expect(dup.code).toBe('CCSNAP_ARRAY_SNAPSHOT_EXISTS');
    expect(dup.details).toMatchObject({ command: 'createStorageSnapshot', status: 431, errorcode: 431, array: 'ec1' });
    const since = sandbox.ctx.transcript.lastSeq();
    for (const name of ['my snap', 'a-b', 'x@y', '', 'ü']) {
      expect((await failure(client.createStorageSnapshot({ fsId, name }))).code).toBe('CCSNAP_ARRAY_BAD_NAME');
    }
    expect(arrayCommands(since)).toEqual([]);
  });

  it('rolls back to the newest snapshot; an older one is refused with the newer paths (newest-only)', async () => {
    const { fsId } = fsOfVolume(4);
    await client.createStorageSnapshot({ fsId, name: 'r1' });
    await client.createStorageSnapshot({ fsId, name: 'r2' });
    await client.createStorageSnapshot({ fsId, name: 'r3' });
    const [s1, s2, s3] = await client.listStorageSnapshots({ fsId });
    await expect(client.rollbackToSnapshot({ fsId, path: s3!.path })).resolves.toBeUndefined();
    const err = await failure(client.rollbackToSnapshot({ fsId, path: s1!.path }));
    expect(err.code).toBe('CCSNAP_NEWER_SNAPSHOTS');
    expect(err.details.newer).toEqual([s2!.path, s3!.path]);
    const missing = await failure(client.rollbackToSnapshot({ fsId, path: `${s1!.path}x` }));
    expect(missing.code).toBe('CCSNAP_ARRAY_SNAPSHOT_NOT_FOUND');
  });

  it('refuses to delete a snapshot that has a clone (CCSNAP_ARRAY_HAS_CLONES)', async () => {
    const { fsId } = fsOfVolume(5);
    await client.createStorageSnapshot({ fsId, name: 'base' });
    const snap = (await client.findSnapshot({ fsId, name: 'base' }))!;
    const cloned = await client.callCommand('cloneDatasetSnapshot', { id: fsId, path: snap.path, clonename: 'clone1' });
    expect((cloned.filesystem as { name: string }).name).toBe('clone1');
    expect((await client.findSnapshot({ fsId, name: 'base' }))!.clones).toBe(1);
    const err = await failure(client.deleteSnapshot({ fsId, path: snap.path }));
    expect(err.code).toBe('CCSNAP_ARRAY_HAS_CLONES');
    expect(err.details.errortext).toContain('has a clone');
  });

  it('queries async jobs (deleteFileSystem answers a jobid)', async () => {
    const { fsId } = fsOfVolume(6);
    await client.createStorageSnapshot({ fsId, name: 'keep' });
    const refused = await client.callCommand('deleteFileSystem', { id: fsId });
    const failed = await client.queryAsyncJobResult({ jobId: String(refused.jobid) });
    expect(failed).toMatchObject({ state: 'failed', jobStatus: 2, resultCode: 530, cmd: 'com.cloudbyte.api.commands.DeleteFileSystemCmd' });
    expect(failed.error?.code).toBe(530);
    const forced = await client.callCommand('deleteFileSystem', { id: fsId, forcedelete: 'true' });
    const done = await client.queryAsyncJobResult({ jobId: String(forced.jobid) });
    expect(done).toMatchObject({ state: 'succeeded', jobStatus: 1, msg: 'Deleted Successfully', result: { success: true } });
    expect(await client.listFileSystems({ id: fsId })).toEqual([]);
    expect((await failure(client.queryAsyncJobResult({ jobId: 'no-such-job' }))).code).toBe('CCSNAP_ARRAY_PARAM');
  });

  it('lists TSMs and accounts', async () => {
    const tsms = await client.listTsm();
    expect(tsms).toEqual([expect.objectContaining({ name: 'OPENSTACK_VSM', accountName: 'OPENSTACK_ACC', ipaddress: '127.0.0.1' })]);
    expect(tsms[0]!.datasetId).toBeTruthy();
    expect(await client.listTsm({ accountId: 'nobody' })).toEqual([]);
    expect(await client.listAccount()).toEqual([{ id: sandbox.ctx.state.array.accounts[0]!.id, name: 'OPENSTACK_ACC' }]);
  });
});

describe('error shapes', () => {
  it('401: a wrong key is CCSNAP_ARRAY_AUTH and the key appears nowhere in the error', async () => {
    const wrongKey = 'wrong-key-Secret_123';
    const bad = createElastiCenterClient({ url: `${sandbox.url}/client/api`, apiKey: wrongKey, name: 'ec1' });
    try {
      const err = await failure(bad.listFileSystems());
      expect(err.code).toBe('CCSNAP_ARRAY_AUTH');
      expect(err.details).toMatchObject({
        status: 401,
        errorcode: 401,
        errortext: 'unable to verify user credentials and/or request signature',
        command: 'listFileSystem',
      });
      expect(`${err.message} ${JSON.stringify(err.details)}`).not.toContain(wrongKey);
      expect(err.details.url).toBe(`${sandbox.url}/client/api?command=listFileSystem&response=json`);
    } finally {
      await bad.close();
    }
  });

  it('431: a missing parameter gives the CloudStack text', async () => {
    const { fsId } = fsOfVolume(0);
    const err = await failure(client.callCommand('createStorageSnapshot', { id: fsId }));
    expect(err.code).toBe('CCSNAP_ARRAY_PARAM');
    expect(err.details.errortext).toBe('Unable to execute API command createstoragesnapshot due to missing parameter name');
  });

  it('432: an unknown command answers errorresponse', async () => {
    const err = await failure(client.callCommand('listUserss', {}));
    expect(err.code).toBe('CCSNAP_ARRAY_UNKNOWN_COMMAND');
    expect(err.details).toMatchObject({ status: 432, errortext: 'The given command does not exist' });
  });

  it('530 (injected): CCSNAP_ARRAY_INTERNAL with the errortext', async () => {
    const { fsId } = fsOfVolume(0);
    sandbox.ctx.faults.add({
      service: 'array',
      key: 'createStorageSnapshot',
      target: fsId,
      errorCode: 530,
      errorText: 'Failed to create snapshot due to timeout.',
      times: 1,
    });
    const err = await failure(client.createStorageSnapshot({ fsId, name: 'x530' }));
    expect(err.code).toBe('CCSNAP_ARRAY_INTERNAL');
    expect(err.details).toMatchObject({ status: 530, errorcode: 530, errortext: 'Failed to create snapshot due to timeout.' });
    expect(await client.findSnapshot({ fsId, name: 'x530' })).toBeUndefined();
  });

  it('a 200 non-JSON body is CCSNAP_ARRAY_BAD_RESPONSE', async () => {
    sandbox.ctx.faults.add({ service: 'array', key: 'listTsm', nonJson: '<html><body>Apache Tomcat</body></html>', times: 1 });
    const err = await failure(client.listTsm());
    expect(err.code).toBe('CCSNAP_ARRAY_BAD_RESPONSE');
    expect(err.details.body).toContain('Apache Tomcat');
  });

  it('an unreachable array is CCSNAP_ARRAY_UNREACHABLE (after read retries)', async () => {
    const gone = await startSandbox();
    const url = `${gone.url}/client/api`;
    await gone.close();
    const dead = createElastiCenterClient({ url, apiKey, name: 'gone' });
    try {
      const err = await failure(dead.listFileSystems());
      expect(err.code).toBe('CCSNAP_ARRAY_UNREACHABLE');
      expect(err.details.sent).toBe(false);
    } finally {
      await dead.close();
    }
  });
});
