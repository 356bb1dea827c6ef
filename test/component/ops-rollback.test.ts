import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSnapshots } from '../../src/ops/create.js';
import { rollbackInstance } from '../../src/ops/rollback.js';
import { showSet } from '../../src/ops/show.js';
import { startSandboxRuntime, type SandboxRuntime } from '../helpers/sandbox-runtime.js';

/** rollbackInstance (src/ops/rollback.ts) as a library, on an array that destroys newer snapshots itself ('destroy-newer', zfs rollback -r). */

let env: SandboxRuntime;
const sets: string[] = [];
const server = (name: string) => env.sandbox.ctx.state.nova.servers.find((s) => s.name === name)!;
const snapshotNames = (): string[] => env.sandbox.ctx.state.array.snapshots.map((s) => s.name).sort();
const actions = (seq: number) => env.sandbox.ctx.transcript.list(seq).filter((e) => e.service === 'nova' && e.method === 'POST');

async function takeSet(instance: string): Promise<string> {
  const [outcome] = await createSnapshots(env.rt, { instances: [instance], freeze: 'skip' });
  if (outcome?.kind !== 'result' || outcome.result.state !== 'complete') throw new Error(`create ${instance}: ${JSON.stringify(outcome)}`);
  return outcome.result.setId;
}

beforeAll(async () => {
  env = await startSandboxRuntime({ rollback: 'destroy-newer' });
  for (let i = 0; i < 3; i++) sets.push(await takeSet('web-1'));
});
afterAll(async () => env?.close());

describe('rollbackInstance on a destroy-newer array', () => {
  it('plans the newer snapshots as destroyed by the array, and still needs discardNewer', async () => {
    const { plan } = await rollbackInstance(env.rt, { instance: 'web-1', set: sets[0]!, discardNewer: true, dryRun: true });
    expect(plan.volumes.map((v) => v.discardBy)).toEqual(['array', 'array']);
    expect(plan.volumes.flatMap((v) => v.discard.map((d) => d.name)).sort()).toEqual(
      (await Promise.all(sets.slice(1).map((s) => env.rt.journal().getSet(s)))).flatMap((set) => set!.members.map((m) => m.snapshotName)).sort(),
    );
    expect(plan.safety.take).toBe(false);
    await expect(rollbackInstance(env.rt, { instance: 'web-1', set: sets[0]!, yes: true })).rejects.toMatchObject({ code: 'CCSNAP_NEWER_SNAPSHOTS' });
  });

  it('a "no" at the confirmation changes nothing and never stops the instance', async () => {
    const before = snapshotNames();
    const seq = env.sandbox.ctx.transcript.lastSeq();
    let asked = 0;
    await expect(
      rollbackInstance(env.rt, {
        instance: 'web-1',
        set: sets[0]!,
        discardNewer: true,
        confirm: async () => {
          asked++;
          return false;
        },
      }),
    ).rejects.toMatchObject({ code: 'CCSNAP_DECLINED' });
    expect(asked).toBe(1);
    expect(actions(seq)).toEqual([]);
    expect(snapshotNames()).toEqual(before);
    expect(server('web-1').status).toBe('ACTIVE');
  });

  it('rolls back with start: false: the array destroys the newer snapshots (ccsnap deletes none), the journal marks them, the instance stays SHUTOFF', async () => {
    const seq = env.sandbox.ctx.transcript.lastSeq();
    const { result } = await rollbackInstance(env.rt, { instance: 'web-1', set: sets[1]!, discardNewer: true, yes: true, start: false });
    expect(result).toMatchObject({ state: 'done', instanceLeft: 'SHUTOFF' });
    expect(result!.volumes.map((v) => v.state)).toEqual(['rolled-back', 'rolled-back']);
    const log = env.sandbox.ctx.transcript.list(seq);
    expect(log.filter((e) => e.command === 'deleteSnapshot')).toEqual([]);
    expect(log.filter((e) => e.command === 'rollbackToSnapshot')).toHaveLength(2);
    expect(actions(seq)).toHaveLength(1);
    expect(server('web-1').status).toBe('SHUTOFF');
    // Each step is journaled as it ends (recover resumes from them): the journal holds the result's steps, in order.
    expect(await env.rt.journal().listSteps(result!.opId)).toEqual(result!.steps);
    expect(result!.steps.map((st) => st.name)).toEqual(['stop', 'wait-shutoff', 'check-domain-stopped', 'rollback-volume', 'rollback-volume']);
    expect(result!.steps.filter((st) => st.name === 'rollback-volume').map((st) => st.detail?.volumeId)).toEqual(result!.volumes.map((v) => v.volumeId));

    const left = (await env.rt.journal().getSet(sets[2]!))!;
    expect(left.state).toBe('deleted');
    expect(snapshotNames()).toEqual(
      [...(await env.rt.journal().getSet(sets[0]!))!.members, ...(await env.rt.journal().getSet(sets[1]!))!.members].map((m) => m.snapshotName).sort(),
    );
    const view = await showSet(env.rt, sets[2]!);
    expect(view.members.map((m) => [m.journalState, m.onArray])).toEqual([
      ['deleted', false],
      ['deleted', false],
    ]);
  });

  it('a stopped instance is rolled back without a stop; start: true starts it', async () => {
    const seq = env.sandbox.ctx.transcript.lastSeq();
    const { result } = await rollbackInstance(env.rt, { instance: 'web-1', set: sets[0]!, discardNewer: true, yes: true, start: true });
    expect(result).toMatchObject({ state: 'done', instanceLeft: 'ACTIVE' });
    expect(actions(seq)).toHaveLength(1);
    expect(server('web-1').status).toBe('ACTIVE');
    expect((await env.rt.journal().getSet(sets[1]!))!.state).toBe('deleted');
  });
});
