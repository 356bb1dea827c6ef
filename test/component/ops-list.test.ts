import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSnapshots } from '../../src/ops/create.js';
import { listSnapshots, streamSnapshots } from '../../src/ops/list.js';
import type { Runtime } from '../../src/runtime.js';
import { attachAlso, startSandboxRuntime, type SandboxRuntime } from '../helpers/sandbox-runtime.js';

/** listSnapshots (src/ops/list.ts) against the sandbox over HTTP, as a library: what the order of answers must not change. */

let env: SandboxRuntime;
const serverOf = (name: string) => env.sandbox.ctx.state.nova.servers.find((s) => s.name === name)!;
const volumesOf = (name: string) =>
  env.sandbox.ctx.state.cinder.volumes
    .filter((v) => v.attachments.some((a) => a.serverId === serverOf(name).id))
    .sort((a, b) => a.attachments[0]!.device.localeCompare(b.attachments[0]!.device));
const fsOfVolume = (volumeId: string) => env.sandbox.ctx.state.array.filesystems.find((f) => f.name === volumeId.replace(/-/g, ''))!;

/**
 * The runtime with its array answering listStorageSnapshots in the reverse order of the requests: every
 * list is held until all of them were asked for, then the last asked is answered first.
 */
function answeringInReverse(rt: Runtime, expected: number): Runtime {
  const held: Array<() => void> = [];
  const wrapped = Object.create(rt) as Runtime;
  wrapped.array = (name: string) => {
    const client = rt.array(name);
    return Object.assign(Object.create(client) as typeof client, {
      listStorageSnapshots: async (args: Parameters<typeof client.listStorageSnapshots>[0]) => {
        const answer = await client.listStorageSnapshots(args);
        await new Promise<void>((resolve) => {
          held.push(resolve);
          if (held.length === expected) for (const release of held.reverse()) release();
        });
        return answer;
      },
    });
  };
  return wrapped;
}

beforeAll(async () => {
  env = await startSandboxRuntime();
  const [outcome] = await createSnapshots(env.rt, { instances: ['web-1'], freeze: 'skip' });
  if (outcome?.kind !== 'result' || outcome.result.state !== 'complete') throw new Error(`create web-1: ${JSON.stringify(outcome)}`);
  // Another tool's snapshot of the same name and time on both web-1 volumes: the sort cannot tell them apart.
  const array = env.sandbox.ctx.state.array;
  const at = Date.UTC(2026, 0, 1);
  for (const [i, v] of volumesOf('web-1').entries())
    array.snapshots.push({ id: `tie-${i}`, fsId: fsOfVolume(v.id).id, name: 'manual.1', createdAt: at, clones: 0 });
  // web-1's data volume is also attached to db-1 (multi-attach): one filesystem, listed for both instances.
  attachAlso(volumesOf('web-1')[1]!, serverOf('db-1').id);
});
afterAll(async () => env?.close());

describe('listSnapshots', () => {
  it('lists in the inventory order of instances and volumes, whatever order the array answers in', async () => {
    const seq = env.sandbox.ctx.transcript.lastSeq();
    const inOrder = await listSnapshots(env.rt, {});
    const lists = env.sandbox.ctx.transcript.list(seq).filter((e) => e.command === 'listStorageSnapshots');
    const filesystems = new Set(lists.map((e) => new URLSearchParams(e.query).get('id')));
    // One list per filesystem, the shared one included once.
    expect(lists).toHaveLength(filesystems.size);

    const reversed = await listSnapshots(answeringInReverse(env.rt, filesystems.size), {});
    expect(reversed).toEqual(inOrder);

    // The tie keeps the volumes' order (boot before data), as Nova lists them.
    const ties = inOrder.filter((e) => e.name === 'manual.1' && e.instance.name === 'web-1');
    expect(ties.map((e) => e.volumeId)).toEqual(volumesOf('web-1').map((v) => v.id));
    expect(ties.map((e) => e.status)).toEqual(['foreign', 'foreign']);

    // The shared filesystem's snapshots show under both instances, from the one list.
    const sharedId = volumesOf('web-1')[1]!.id;
    const onShared = (instance: string) =>
      inOrder
        .filter((e) => e.volumeId === sharedId && e.instance.name === instance)
        .map((e) => e.name)
        .sort();
    expect(onShared('db-1')).toEqual(onShared('web-1'));
    expect(onShared('db-1').length).toBeGreaterThan(1);
  });

  it('streams one instance at a time, in the order of their names, as listSnapshots lists them', async () => {
    const chunks = [];
    for await (const chunk of streamSnapshots(env.rt, {})) chunks.push(chunk);
    expect(chunks.length).toBeGreaterThan(1);
    for (const chunk of chunks) expect(new Set(chunk.map((e) => e.instance.id)).size).toBe(1);
    const names = chunks.map((c) => c[0]!.instance.name);
    expect(names).toEqual([...names].sort());
    expect(chunks.flat()).toEqual(await listSnapshots(env.rt, {}));
  });

  it('a consumer that stops early leaves no request of the list running', async () => {
    let inFlight = 0;
    let started = 0;
    const wrapped = Object.create(env.rt) as Runtime;
    wrapped.array = (name: string) => {
      const client = env.rt.array(name);
      return Object.assign(Object.create(client) as typeof client, {
        listStorageSnapshots: async (args: Parameters<typeof client.listStorageSnapshots>[0]) => {
          started++;
          inFlight++;
          try {
            return await client.listStorageSnapshots(args);
          } finally {
            inFlight--;
          }
        },
      });
    };
    for await (const chunk of streamSnapshots(wrapped, {})) if (chunk.length > 0) break;
    // Requests beyond the first instance's were out when the loop left (the stream works ahead)...
    expect(started).toBeGreaterThan(2);
    // ...and every one of them has settled by then.
    expect(inFlight).toBe(0);
  });

  it('shows a snapshot named like ccsnap but with a time that does not exist as foreign (the list threw)', async () => {
    const array = env.sandbox.ctx.state.array;
    const fsId = fsOfVolume(volumesOf('web-1')[0]!.id).id;
    const name = 'ccs_0123456789ab_20261301000000_1of1';
    array.snapshots.push({ id: 'bad-time', fsId, name, createdAt: Date.UTC(2026, 5, 1, 12, 30), clones: 0 });
    try {
      const entry = (await listSnapshots(env.rt, { instance: 'web-1' })).find((e) => e.name === name);
      expect(entry).toMatchObject({ status: 'foreign', setId: null, created: '2026-06-01T12:30:00.000Z' });
    } finally {
      array.snapshots = array.snapshots.filter((s) => s.id !== 'bad-time');
    }
  });
});
