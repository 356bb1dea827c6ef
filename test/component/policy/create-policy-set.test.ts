import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSnapshots } from '../../../src/ops/create.js';
import { startSandboxRuntime, type SandboxRuntime } from '../../helpers/sandbox-runtime.js';

/** createSnapshots records the policy and the occurrence a set serves; a manual set records neither. */
describe('a set made for a policy', () => {
  let sb: SandboxRuntime;
  beforeAll(async () => {
    sb = await startSandboxRuntime();
  });
  afterAll(async () => sb?.close());

  it("records the policy, the occurrence and the runner clock's time; the plan in the journal carries them too", async () => {
    const at = new Date('2026-03-23T05:00:07.000Z');
    const [outcome] = await createSnapshots(sb.rt, {
      instances: ['web-1'],
      policy: { name: 'hourly', occurrence: 'hourly@2026-03-23T05:00:00Z' },
      now: () => at,
      maxFreezeMs: 5000,
    });
    expect(outcome!.kind).toBe('result');
    const result = outcome!.kind === 'result' ? outcome!.result : undefined;
    expect(result!.state).toBe('complete');
    const set = (await sb.rt.journal().getSet(result!.setId))!;
    expect(set).toMatchObject({ policy: 'hourly', occurrence: 'hourly@2026-03-23T05:00:00Z', createdAt: at.toISOString(), state: 'complete' });
    expect((await sb.rt.journal().listSets({ policy: 'hourly', occurrence: 'hourly@2026-03-23T05:00:00Z' })).map((s) => s.id)).toEqual([set.id]);
    // The snapshot names carry the same instant (the array's list shows it).
    expect(set.members.every((m) => m.snapshotName.includes('_20260323050007_'))).toBe(true);
  });

  it('a manual create records no policy', async () => {
    const [outcome] = await createSnapshots(sb.rt, { instances: ['app-1'], maxFreezeMs: 5000 });
    const setId = outcome!.kind === 'result' ? outcome!.result.setId : '';
    expect(await sb.rt.journal().getSet(setId)).toMatchObject({ policy: null, occurrence: null, state: 'complete' });
  });
});
