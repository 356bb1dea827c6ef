import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gatherInventory } from '../../src/ops/inventory.js';
import { startSandboxRuntime, type SandboxRuntime } from '../helpers/sandbox-runtime.js';

/** gatherInventory for one instance (src/ops/inventory.ts): the same entry as the whole cloud's, from a few requests. */

let env: SandboxRuntime;
beforeAll(async () => {
  env = await startSandboxRuntime();
});
afterAll(async () => env?.close());

/** The next request to Cinder's attachments API answers `status` (the path as an earlier list asked it). */
function failAttachmentsOnce(status: number): void {
  const path = env.sandbox.ctx.transcript.list(0).find((e) => e.service === 'cinder' && e.path.includes('/attachments'))!.path;
  env.sandbox.ctx.faults.add({ service: 'cinder', key: path, errorCode: status, times: 1 });
}

const cinderPaths = (since: number): string[] =>
  env.sandbox.ctx.transcript
    .list(since)
    .filter((e) => e.service === 'cinder')
    .map((e) => e.path.replace(/\/v3\/\w+\//, '/v3/P/'));

describe('the inventory of one instance', () => {
  it('is the whole inventory entry of that instance, without listing the cloud volumes', async () => {
    const all = await gatherInventory(env.rt, {});
    const withVolumes = all.instances.filter((e) => e.volumes.length > 0);
    expect(withVolumes.length).toBeGreaterThan(2);
    for (const entry of all.instances) {
      const seq = env.sandbox.ctx.transcript.lastSeq();
      const one = await gatherInventory(env.rt, { instance: entry.instance.id });
      expect(one.instances).toEqual([entry]);
      const paths = cinderPaths(seq);
      expect(paths).not.toContain('/volume/v3/P/volumes/detail');
      expect(paths.sort()).toEqual(['/volume/v3/P/attachments', ...entry.volumes.map((v) => `/volume/v3/P/volumes/${v.id}`)].sort());
    }
  });

  it('a volume attached to two servers is in the inventory of both', async () => {
    const state = env.sandbox.ctx.state;
    const [a, b] = state.nova.servers.filter((s) => state.cinder.volumes.some((v) => v.attachments.some((x) => x.serverId === s.id)));
    const shared = state.cinder.volumes.find((v) => v.attachments.some((x) => x.serverId === a!.id))!;
    shared.attachments.push({ attachmentId: 'att-twice', serverId: b!.id, device: '/dev/vdy', hostName: 'compute-1', attachedAt: '2026-01-01T00:00:00Z' });
    try {
      for (const server of [a!, b!]) {
        const one = await gatherInventory(env.rt, { instance: server.id });
        expect(one.instances[0]!.volumes.map((v) => v.id)).toContain(shared.id);
      }
    } finally {
      shared.attachments.pop();
    }
  });

  it('a Cinder without the attachments API (404): the volume list, and the same entry', async () => {
    const all = await gatherInventory(env.rt, {});
    const entry = all.instances.find((e) => e.volumes.length > 1)!;
    failAttachmentsOnce(404);
    const seq = env.sandbox.ctx.transcript.lastSeq();
    const one = await gatherInventory(env.rt, { instance: entry.instance.name });
    expect(one.instances).toEqual([entry]);
    expect(cinderPaths(seq)).toEqual(['/volume/v3/P/attachments', '/volume/v3/P/volumes/detail']);
  });

  it('a Cinder whose attachments API fails otherwise (500): the inventory fails with the status, nothing else is asked', async () => {
    const entry = (await gatherInventory(env.rt, {})).instances.find((e) => e.volumes.length > 0)!;
    failAttachmentsOnce(500);
    const seq = env.sandbox.ctx.transcript.lastSeq();
    await expect(gatherInventory(env.rt, { instance: entry.instance.id })).rejects.toMatchObject({ code: 'CCSNAP_HTTP_STATUS', details: { status: 500 } });
    expect(cinderPaths(seq)).toEqual(['/volume/v3/P/attachments']);
  });
});
