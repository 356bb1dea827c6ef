import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSnapshots } from '../../src/ops/create.js';
import { listSnapshots } from '../../src/ops/list.js';
import { buildScaledState } from '../../src/sandbox-entry.js';
import { attachAlso, startSandboxRuntime, type SandboxRuntime } from '../helpers/sandbox-runtime.js';

/**
 * A volume attached to two instances whose names are far apart: the list reads the journal a batch of
 * instances at a time, and the snapshots one instance's set made of the shared volume must show the same
 * set, label and status under the other instance, whichever batch each is in.
 */

let env: SandboxRuntime;
const INSTANCES = 150;

beforeAll(async () => {
  env = await startSandboxRuntime({ state: buildScaledState({ instances: INSTANCES, volumesPerInstance: 2, snapshotsPerVolume: 0, hosts: 3 }) });
  const state = env.sandbox.ctx.state;
  const first = state.nova.servers.find((s) => s.name === 'vm-00001')!;
  const last = state.nova.servers.find((s) => s.name === `vm-00${INSTANCES}`)!;
  const shared = state.cinder.volumes.find((v) => v.attachments.some((a) => a.serverId === first.id))!;
  attachAlso(shared, last.id);
  const [outcome] = await createSnapshots(env.rt, { instances: ['vm-00001'], freeze: 'skip', label: 'nightly' });
  if (outcome?.kind !== 'result' || outcome.result.state !== 'complete') throw new Error(`create vm-00001: ${JSON.stringify(outcome)}`);
});
afterAll(async () => env?.close());

describe('list: a volume shared by instances in different journal batches', () => {
  it("shows the set's snapshot under both instances with the journal's set, label and status", async () => {
    const entries = await listSnapshots(env.rt, {});
    const byInstance = (name: string) => entries.filter((e) => e.instance.name === name);
    const [mine] = byInstance('vm-00001');
    const [theirs] = byInstance(`vm-00${INSTANCES}`);
    expect(mine).toMatchObject({ status: 'ok', setId: expect.any(String) as string });
    expect(mine!.journal?.label).toBe('nightly');
    expect(theirs).toMatchObject({ name: mine!.name, volumeId: mine!.volumeId, setId: mine!.setId, status: 'ok', created: mine!.created });
    expect(theirs!.journal?.label).toBe('nightly');
  });

  it("shows them as the set's, in the journal, once the volume has moved to the other instance", async () => {
    const state = env.sandbox.ctx.state;
    const first = state.nova.servers.find((s) => s.name === 'vm-00001')!;
    const volume = state.cinder.volumes.find((v) => v.attachments.some((a) => a.attachmentId === 'att-shared'))!;
    volume.attachments = volume.attachments.filter((a) => a.serverId !== first.id);
    const entries = await listSnapshots(env.rt, {});
    expect(entries.filter((e) => e.volumeId === volume.id).map((e) => [e.instance.name, e.status, e.journal?.label])).toEqual([
      [`vm-00${INSTANCES}`, 'ok', 'nightly'],
    ]);
  });
});
