import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSnapshots } from '../../src/ops/create.js';
import { rollbackInstance } from '../../src/ops/rollback.js';
import { attachAlso, startSandboxRuntime, type SandboxRuntime } from '../helpers/sandbox-runtime.js';

/**
 * A rollback of a set whose volume another instance has attached too (multi-attach) would change that disk
 * under the other instance, which nobody stops: refused before anything happens, on the sandbox over HTTP.
 */

let env: SandboxRuntime;
let setId: string;
const serverOf = (name: string) => env.sandbox.ctx.state.nova.servers.find((s) => s.name === name)!;

beforeAll(async () => {
  env = await startSandboxRuntime();
  const [outcome] = await createSnapshots(env.rt, { instances: ['web-1'], freeze: 'skip' });
  if (outcome?.kind !== 'result' || outcome.result.state !== 'complete') throw new Error(`create web-1: ${JSON.stringify(outcome)}`);
  setId = outcome.result.setId;
  const data = env.sandbox.ctx.state.cinder.volumes.filter((v) => v.attachments.some((a) => a.serverId === serverOf('web-1').id))[1]!;
  attachAlso(data, serverOf('db-1').id);
});
afterAll(async () => env?.close());

describe('a set on a volume another instance shares', () => {
  it('is refused with CCSNAP_ROLLBACK_VOLUME_SHARED, naming the other instance, and nothing is stopped, rolled back or deleted', async () => {
    const seq = env.sandbox.ctx.transcript.lastSeq();
    const snapshotsBefore = env.sandbox.ctx.state.array.snapshots.map((s) => s.name).sort();
    await expect(rollbackInstance(env.rt, { instance: 'web-1', set: setId, discardNewer: true, yes: true })).rejects.toMatchObject({
      code: 'CCSNAP_ROLLBACK_VOLUME_SHARED',
      details: { shared: [{ instances: [serverOf('db-1').id] }] },
    });
    const entries = env.sandbox.ctx.transcript.list(seq);
    // Nothing but reads (and Keystone's token): no Nova action, no array command that changes anything.
    expect(entries.filter((e) => e.service !== 'keystone' && e.method !== 'GET').map((e) => `${e.method} ${e.path}`)).toEqual([]);
    expect(entries.filter((e) => ['rollbackToSnapshot', 'deleteSnapshot', 'createStorageSnapshot'].includes(e.command ?? ''))).toEqual([]);
    expect(serverOf('web-1').status).toBe('ACTIVE');
    expect(env.sandbox.ctx.state.array.snapshots.map((s) => s.name).sort()).toEqual(snapshotsBefore);
  });

  it('a new set of the instance is labelled crash-consistent, saying why, though its guest is still frozen and thawed', async () => {
    const seq = env.sandbox.ctx.transcript.lastSeq();
    const [outcome] = await createSnapshots(env.rt, { instances: ['web-1'] });
    if (outcome?.kind !== 'result') throw new Error(`create web-1: ${JSON.stringify(outcome)}`);
    expect(outcome.result).toMatchObject({ state: 'complete', consistency: 'crash-consistent' });
    expect(outcome.result.reason).toContain(`is also attached to instance ${serverOf('db-1').id}, which is not frozen`);
    expect(outcome.result.frozenMs).toEqual(expect.any(Number));
    const commands = env.sandbox.ctx.transcript.list(seq).map((e) => e.command);
    expect(commands.indexOf('domfsfreeze')).toBeGreaterThanOrEqual(0);
    expect(commands.indexOf('domfsfreeze')).toBeLessThan(commands.indexOf('createStorageSnapshot'));
    expect(commands.lastIndexOf('createStorageSnapshot')).toBeLessThan(commands.indexOf('domfsthaw'));
  });
});
