import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSnapshots } from '../../src/ops/create.js';
import { rollbackInstance } from '../../src/ops/rollback.js';
import { startSandboxRuntime, type SandboxRuntime } from '../helpers/sandbox-runtime.js';

/**
 * Fault injected between plan and apply: on an array that destroys newer snapshots itself, a snapshot
 * another tool takes after the plan would be destroyed without being named. ccsnap re-checks first.
 */
let env: SandboxRuntime;
const sets: string[] = [];
const snapshotNames = (): string[] => env.sandbox.ctx.state.array.snapshots.map((s) => s.name).sort();

beforeAll(async () => {
  env = await startSandboxRuntime({ rollback: 'destroy-newer' });
  for (let i = 0; i < 2; i++) {
    const [o] = await createSnapshots(env.rt, { instances: ['web-1'], freeze: 'skip' });
    if (o?.kind !== 'result') throw new Error(JSON.stringify(o));
    sets.push(o.result.setId);
  }
});
afterAll(async () => env?.close());

describe('a snapshot that appears after the rollback plan', () => {
  it('stops the rollback before any disk or snapshot changes, names it, and leaves nothing locked', async () => {
    const before = snapshotNames();
    const seq = env.sandbox.ctx.transcript.lastSeq();
    const { result } = await rollbackInstance(env.rt, {
      instance: 'web-1',
      set: sets[0]!,
      discardNewer: true,
      // Planned and confirmed; then, before ccsnap acts, a foreign snapshot lands on the boot volume.
      confirm: async (plan) => {
        const url = `${env.sandbox.url}/client/api?command=createStorageSnapshot&id=${plan.volumes[0]!.fsId}&name=cron_nightly&apiKey=${env.sandbox.ctx.state.array.apiKey}&response=json`;
        expect((await fetch(url)).status).toBe(200);
        return true;
      },
    });
    expect(result?.state).toBe('failed');
    expect(result?.error?.code).toBe('CCSNAP_ROLLBACK_PLAN_STALE');
    expect(result?.error?.message).toContain('cron_nightly');
    expect(result?.volumes.map((v) => v.state)).toEqual(['pending', 'pending']);
    expect(env.sandbox.ctx.transcript.list(seq).filter((e) => e.command === 'rollbackToSnapshot' || e.command === 'deleteSnapshot')).toEqual([]);
    expect(snapshotNames()).toEqual([...before, 'cron_nightly'].sort());
    const webId = env.sandbox.ctx.state.nova.servers.find((s) => s.name === 'web-1')!.id;
    expect(await env.rt.journal().readLock(webId)).toBeUndefined();
  });
});
