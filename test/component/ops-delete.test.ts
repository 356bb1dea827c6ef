import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSnapshots } from '../../src/ops/create.js';
import { deleteSnapshots } from '../../src/ops/delete.js';
import { startSandboxRuntime, type SandboxRuntime } from '../helpers/sandbox-runtime.js';

/** deleteSnapshots (src/ops/delete.ts) against the sandbox over HTTP, as a library. */

let env: SandboxRuntime;
const fsOf = (name: string, i = 0): string => {
  const server = env.sandbox.ctx.state.nova.servers.find((s) => s.name === name)!;
  const volumes = env.sandbox.ctx.state.cinder.volumes
    .filter((v) => v.attachments.some((a) => a.serverId === server.id))
    .sort((a, b) => a.attachments[0]!.device.localeCompare(b.attachments[0]!.device));
  return env.sandbox.ctx.state.array.filesystems.find((f) => f.name === volumes[i]!.id.replace(/-/g, ''))!.id;
};
const namesOn = (fsId: string): string[] => env.sandbox.ctx.state.array.snapshots.filter((s) => s.fsId === fsId).map((s) => s.name);
async function arrayCall(command: string, params: Record<string, string>): Promise<void> {
  const q = new URLSearchParams({ command, ...params, apiKey: env.sandbox.ctx.state.array.apiKey, response: 'json' });
  const res = await fetch(`${env.sandbox.url}/client/api?${q.toString()}`);
  if (!res.ok) throw new Error(`${command}: HTTP ${res.status}`);
}
async function takeSet(instance: string): Promise<string> {
  const [outcome] = await createSnapshots(env.rt, { instances: [instance], freeze: 'skip' });
  if (outcome?.kind !== 'result' || outcome.result.state !== 'complete') throw new Error(`create ${instance}: ${JSON.stringify(outcome)}`);
  return outcome.result.setId;
}

beforeAll(async () => {
  env = await startSandboxRuntime();
});
afterAll(async () => env?.close());

describe('deleteSnapshots', () => {
  it("--keep-last breaks a tie of equal name times by the array's order (the later snapshot is the newer)", async () => {
    const fsId = fsOf('app-1');
    // Two sets another ccsnap made within the same second; the array lists bbbb.. first (older).
    await arrayCall('createStorageSnapshot', { id: fsId, name: 'ccs_bbbbbbbbbbbb_20250101000000_1of1' });
    await arrayCall('createStorageSnapshot', { id: fsId, name: 'ccs_aaaaaaaaaaaa_20250101000000_1of1' });
    const { plan, result } = await deleteSnapshots(env.rt, { instance: 'app-1', refs: [], keepLast: 1, dryRun: true });
    expect(result).toBeUndefined();
    expect(plan.deletions.map((d) => d.name)).toEqual(['ccs_bbbbbbbbbbbb_20250101000000_1of1']);
    expect(plan.selected).toEqual([{ ref: 'bbbbbbbbbbbb', why: 'pruned: beyond the newest 1' }]);
  });

  it('asks before deleting; a "no" deletes nothing and says so', async () => {
    const setId = await takeSet('web-1');
    const before = JSON.stringify(env.sandbox.ctx.state.array.snapshots);
    const seq = env.sandbox.ctx.transcript.lastSeq();
    const asked: string[][] = [];
    await expect(
      deleteSnapshots(env.rt, {
        instance: 'web-1',
        refs: [setId],
        confirm: async (plan) => {
          asked.push(plan.deletions.map((d) => d.name));
          return false;
        },
      }),
    ).rejects.toMatchObject({ code: 'CCSNAP_DECLINED', message: expect.stringContaining('nothing was deleted') });
    expect(asked).toHaveLength(1);
    expect(asked[0]).toEqual((await env.rt.journal().getSet(setId))!.members.map((m) => m.snapshotName));
    expect(env.sandbox.ctx.transcript.list(seq).filter((e) => e.command === 'deleteSnapshot')).toEqual([]);
    expect(JSON.stringify(env.sandbox.ctx.state.array.snapshots)).toBe(before);

    const { result } = await deleteSnapshots(env.rt, { instance: 'web-1', refs: [setId], confirm: async () => true });
    expect(result?.deletions.map((d) => d.outcome)).toEqual(['deleted', 'deleted']);
  });

  it('deleting what is already gone needs no confirmation and changes nothing', async () => {
    const setId = await takeSet('web-1');
    await deleteSnapshots(env.rt, { instance: 'web-1', refs: [setId], yes: true });
    let asked = 0;
    const { result } = await deleteSnapshots(env.rt, {
      instance: 'web-1',
      refs: [setId],
      confirm: async () => {
        asked++;
        return false;
      },
    });
    expect(asked).toBe(0);
    expect(result?.state).toBe('done');
    expect(result?.deletions.map((d) => d.outcome)).toEqual(['already-absent', 'already-absent']);
    expect((await env.rt.journal().getSet(setId))?.state).toBe('deleted');
  });

  it("a set the journal knows on another instance is named as that instance's, and never deleted here", async () => {
    const dbSet = await takeSet('db-1');
    await expect(deleteSnapshots(env.rt, { instance: 'web-1', refs: [dbSet], yes: true })).rejects.toMatchObject({
      code: 'CCSNAP_SET_OTHER_INSTANCE',
      message: expect.stringContaining('belongs to instance db-1'),
    });
    await deleteSnapshots(env.rt, { instance: 'db-1', refs: [dbSet], yes: true });
    // Even once deleted, it is db-1's set: still refused on web-1.
    await expect(deleteSnapshots(env.rt, { instance: 'web-1', refs: [dbSet], yes: true })).rejects.toMatchObject({ code: 'CCSNAP_SET_OTHER_INSTANCE' });
    expect(namesOn(fsOf('db-1'))).toEqual([]);
  });
});
