import { existsSync } from 'node:fs';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
  arrayFault,
  arraySnapshotImages,
  arraySnapshots,
  ccsnap,
  ccsnapJson,
  checkExt4,
  domainState,
  fsfreezeStatus,
  guest,
  novaServer,
  realstack,
  record,
  sampleUntil,
  skipReason,
  spawnCcsnap,
  timed,
  virsh,
  type RealStack,
} from './stack.js';

const stack = realstack();
if (!stack) console.warn(`[test:realstack] lifecycle skipped: ${skipReason()}`);

interface Member {
  volume_id: string;
  filesystem_id: string;
  snapshot: string;
  path: string;
  state: string;
}

/**
 * One instance's whole life through the built CLI, against real Keystone/Nova/Cinder, the file-backed
 * sandbox array and a real QEMU guest whose disks are the array's images. The tests run in order and
 * share the set that `create` makes.
 */
describe.skipIf(!stack)('real stack: instances, create, list, show, rollback, delete', () => {
  const rs = stack as RealStack;
  let setId = '';
  let members: Member[] = [];
  const copies: string[] = [];
  // unique per run: the stack (and the disks) may be reused across runs (REALSTACK_KEEP=1)
  const tok = Date.now().toString(36);

  afterEach(async () => {
    await arrayFault(rs, 'clear');
  });
  afterAll(async () => {
    // never leave the shared guest frozen for the next file
    await virsh(rs, ['domfsthaw', rs.domain]).catch(() => undefined);
  });

  it('instances: the real instance, its domain and both volumes on the array', async () => {
    const rows = await timed(rs, 'instances', () => ccsnapJson<any[]>(rs, ['instances']));
    const row = rows.find((r) => r.ID === rs.serverId);
    expect(row).toMatchObject({ Name: rs.serverName, Status: 'ACTIVE', Domain: rs.domain, 'Snapshot Capable': 'yes' });
    const byId = new Map((row.Volumes as any[]).map((v) => [v.id, v]));
    expect(byId.get(rs.bootVolume)).toMatchObject({ type: 'cb-ssd', bootable: true, array: 'realstack-array' });
    expect(byId.get(rs.dataVolume)).toMatchObject({ type: 'cb-ssd', bootable: false, array: 'realstack-array' });
  });

  it('create: the guest is really frozen during the (slowed) array call, thawed after, and the copies are clean', async () => {
    await guest(rs, `echo before-data-${tok} > /data/marker && echo before-boot-${tok} > /bootvol/marker && sync`);
    expect(await fsfreezeStatus(rs)).toBe('thawed');
    await arrayFault(rs, { service: 'array', key: 'createStorageSnapshot', latencyMs: 2000 });

    const result = await timed(rs, 'create (2 s array latency)', async () => {
      const run = spawnCcsnap(rs, ['create', rs.serverName, '--name', 'realstack-lifecycle', '-f', 'json']);
      const seen = await sampleUntil(() => fsfreezeStatus(rs), run.done, 100);
      const out = await run.done;
      return { out, seen };
    });
    expect(result.out.code, result.out.stderr).toBe(0);
    const rows = JSON.parse(result.out.stdout) as Array<Record<string, any>>;
    expect(rows).toHaveLength(1);
    const row = rows[0]!;
    const set = {
      state: row.State,
      consistency: row.Consistency,
      label: row.Label,
      members: row.Members,
      steps: row.Steps,
      frozen_ms: row['Frozen ms'],
      set_id: row['Set ID'],
    };
    const statuses = result.seen.map((s) => (s.value instanceof Error ? `error: ${s.value.message}` : s.value));
    // The agent itself said "frozen" while ccsnap waited for the array, and "thawed" again at the end.
    expect(statuses).toContain('frozen');
    expect(await fsfreezeStatus(rs)).toBe('thawed');
    expect(set).toMatchObject({ state: 'complete', consistency: 'filesystem-consistent', label: 'realstack-lifecycle' });
    expect(set.members).toHaveLength(2);
    expect(set.steps.map((s: { step: string }) => s.step)).toEqual(expect.arrayContaining(['freeze', 'snapshot', 'thaw']));
    record(rs, '  guest frozen (ccsnap frozen_ms)', set.frozen_ms);
    setId = set.set_id;
    members = set.members;

    // The guest writes again (a frozen filesystem would block this).
    await guest(rs, `echo thawed > /data/after-create-${tok} && sync`);

    // The array's copies (its data dir) are clean ext4: no journal left to replay.
    const images = arraySnapshotImages(rs);
    for (const m of members) {
      const copy = images.find((s) => s.fsId === m.filesystem_id && s.name === m.snapshot);
      expect(copy?.imagePath, `array copy of ${m.snapshot}`).toBeDefined();
      copies.push(copy!.imagePath!);
      const fs = await checkExt4(copy!.imagePath!);
      expect(fs.fsckCode, fs.fsckOutput).toBe(0);
      expect(fs.features).not.toContain('needs_recovery');
      expect(fs.state).toBe('clean');
    }
    // ...while the live images, mounted in the running guest, do carry needs_recovery: the check can fail.
    expect((await checkExt4(rs.dataImage)).features).toContain('needs_recovery');
  });

  it('list and show: the set, as the array and the journal know it', async () => {
    expect(setId).not.toBe('');
    const listed = await timed(rs, 'list + show', async () => {
      const rows = await ccsnapJson<any[]>(rs, ['list', rs.serverName]);
      const shown = await ccsnapJson<any>(rs, ['show', setId]);
      return { rows, shown };
    });
    const ours = listed.rows.filter((r) => r['Set ID'] === setId);
    expect(ours.map((r) => r.Snapshot).sort()).toEqual(members.map((m) => m.snapshot).sort());
    for (const r of ours) expect(r).toMatchObject({ 'Instance ID': rs.serverId, Label: 'realstack-lifecycle', Consistency: 'filesystem-consistent' });
    expect(listed.shown).toMatchObject({ set_id: setId, instance_id: rs.serverId, state: 'complete', consistency: 'filesystem-consistent' });
    expect(listed.shown.members.every((m: { on_array: boolean }) => m.on_array)).toBe(true);
  });

  it('rollback: Nova goes SHUTOFF then ACTIVE; data written after the set is gone, data from before is intact', async () => {
    expect(setId).not.toBe('');
    await guest(rs, `echo after-data > /data/marker && echo after-boot > /bootvol/marker && echo x > /data/new-${tok} && echo x > /bootvol/new-${tok} && sync`);

    const { out, nova } = await timed(rs, 'rollback', async () => {
      const run = spawnCcsnap(rs, ['rollback', rs.serverName, setId, '--yes', '-f', 'json']);
      // Nova's status as the cloud reports it, and libvirt's view of the domain at that same moment.
      const nova = await sampleUntil(async () => ({ ...(await novaServer(rs)), domain: await domainState(rs) }), run.done, 250);
      return { out: await run.done, nova };
    });
    expect(out.code, out.stderr).toBe(0);
    const rows = JSON.parse(out.stdout) as Array<{ 'Volume ID': string; State: string }>;
    expect(rows.map((r) => r['Volume ID']).sort()).toEqual([rs.bootVolume, rs.dataVolume].sort());
    expect(rows.every((r) => r.State === 'rolled-back')).toBe(true);

    const samples = nova.flatMap((s) => (s.value instanceof Error ? [] : [s.value]));
    const statuses = samples.map((s) => s.status);
    const firstOff = statuses.indexOf('SHUTOFF');
    expect(firstOff, `Nova statuses seen: ${statuses.join(' ')}`).toBeGreaterThanOrEqual(0);
    expect(statuses.indexOf('ACTIVE', firstOff), `Nova statuses seen: ${statuses.join(' ')}`).toBeGreaterThan(firstOff);
    expect((await novaServer(rs)).status).toBe('ACTIVE');
    // While Nova said SHUTOFF the real domain was seen shut off (the power bridge powers it off before
    // Nova reports SHUTOFF; ccsnap's own domstate check passed, or it would have refused the rollback).
    expect(
      samples.some((s) => s.status === 'SHUTOFF' && s.domain === 'shut off'),
      JSON.stringify(samples),
    ).toBe(true);
    expect(await domainState(rs)).toBe('running');
    // ...and the guest really booted again from the rolled-back disks
    const uptime = Number((await guest(rs, 'cut -d" " -f1 /proc/uptime')).trim());
    expect(uptime * 1000).toBeLessThan(nova.at(-1)!.at - nova[0]!.at + 5000);

    expect((await guest(rs, 'cat /data/marker')).trim()).toBe(`before-data-${tok}`);
    expect((await guest(rs, 'cat /bootvol/marker')).trim()).toBe(`before-boot-${tok}`);
    const files = await guest(rs, 'ls /data /bootvol');
    expect(files).not.toContain(`new-${tok}`);
    expect(files).not.toContain(`after-create-${tok}`);
  });

  it('delete: the array no longer has the snapshots, and list agrees', async () => {
    expect(setId).not.toBe('');
    const out = await timed(rs, 'delete', () => ccsnapJson<any[]>(rs, ['delete', rs.serverName, setId, '--yes']));
    expect(out.filter((r) => r['Set ID'] === setId).map((r) => r.Outcome)).toEqual(['deleted', 'deleted']);
    for (const m of members) {
      const names = (await arraySnapshots(rs, m.filesystem_id)).map((s) => s.name);
      expect(names).not.toContain(m.snapshot);
      expect(arraySnapshotImages(rs).some((s) => s.name === m.snapshot)).toBe(false);
    }
    // the copies themselves are gone from the array's data dir
    expect(copies).toHaveLength(2);
    for (const file of copies) expect(existsSync(file), file).toBe(false);
    const listed = await ccsnapJson<any[]>(rs, ['list', rs.serverName]);
    expect(listed.filter((r) => r['Set ID'] === setId)).toEqual([]);
    // deleting again is a no-op, not an error
    const again = await ccsnap(rs, ['delete', rs.serverName, setId, '--yes', '-f', 'json']);
    expect(again.code, again.stderr).toBe(0);
  });
});
