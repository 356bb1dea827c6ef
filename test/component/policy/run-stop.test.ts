import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runPolicy } from '../../../src/ops/policy-run/index.js';
import type { Runtime } from '../../../src/runtime.js';
import { withPolicies } from '../../helpers/policy-runtime.js';
import { startSandboxRuntime, type SandboxRuntime } from '../../helpers/sandbox-runtime.js';

const NAMES = ['web-1', 'app-1'];
// One instance at a time, so the stop lands while one window is open and the other has not started.
const POLICY = { name: 'nightly', instances: { names: NAMES }, schedule: '0 0 * * *', retention: { keep_last: 5 }, create: { concurrency: 1, per_host: 1 } };

/**
 * A run's stop (the daemon's SIGTERM) is a drain: no new freeze after it, but a freeze window already open runs
 * to its end and its set completes — it is not cut short and discarded.
 */
describe('stopping a policy run', () => {
  let sb: SandboxRuntime;
  let rt: Runtime;

  beforeEach(async () => {
    sb = await startSandboxRuntime();
    rt = withPolicies(sb, [POLICY], new Date()).rt;
  });
  afterEach(async () => {
    await rt?.close();
    await sb?.close();
  });

  it('lets the open window finish (its set complete, thawed by ccsnap) and freezes nothing after the stop', async () => {
    // Each snapshot answers after 300 ms, inside the window: the stop is sent while a guest is frozen.
    sb.sandbox.ctx.faults.add({ service: 'array', key: 'createStorageSnapshot', latencyMs: 300 });
    const stop = new AbortController();
    const domains = () => sb.sandbox.ctx.state.hypervisor.domains;
    const running = runPolicy(rt, POLICY.name, { signal: stop.signal });
    await expect.poll(() => domains().some((d) => d.frozen), { timeout: 60_000, interval: 5 }).toBe(true);
    const frozenAtStop = domains()
      .filter((d) => d.frozen)
      .map((d) => d.name);
    stop.abort(new Error('SIGTERM'));

    const report = await running;
    const instances = report.policies[0]!.occurrences[0]!.instances;
    const created = instances.filter((i) => i.outcome === 'created');
    const stopped = instances.filter((i) => i.outcome !== 'created');
    expect(created).toHaveLength(1);
    expect(stopped.map((i) => [i.outcome, i.errorCode])).toEqual([['missed', 'CCSNAP_INTERRUPTED']]);
    const set = (await rt.journal().getSet(created[0]!.setId!))!;
    expect(set).toMatchObject({ state: 'complete', thawedBy: 'ccsnap' });
    // The guest that was frozen at the stop is the one whose set completed; the other was never frozen.
    const serverOf = (name: string) => sb.sandbox.ctx.state.nova.servers.find((s) => s.name === name)!;
    expect(frozenAtStop).toEqual([serverOf(created[0]!.instanceName).instanceName]);
    expect(await rt.journal().listSets({ instanceId: stopped[0]!.instanceId })).toEqual([]);
    expect(domains().filter((d) => d.frozen)).toEqual([]);
  });
});
