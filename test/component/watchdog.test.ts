import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HypervisorConfig } from '../../src/hypervisor/index.js';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/index.js';
import { sandboxHypervisorConfig } from '../../src/sandbox-entry.js';
import { applyCreate } from '../../src/engine/apply-create.js';
import { planCreate } from '../../src/engine/plan-create.js';
import { Watchdog } from '../../src/engine/watchdog.js';
import { withInstanceLock } from '../../src/journal/index.js';
import { fakeWorld } from '../unit/engine/fakes.js';

const plan = () =>
  planCreate(
    {
      instance: { id: 'i-1', name: 'web-1', status: 'ACTIVE', host: 'compute-1', domain: 'instance-00000001' },
      uri: 'qemu:///system',
      volumes: [{ id: 'v1', name: 'boot', volumeType: 'cb-ssd', bootable: true, device: '/dev/vda', array: { name: 'ec1', fsId: 'fs1' } }],
      agent: { ok: true },
      freezeStatus: 'thawed',
    },
    { setId: '0123456789ab', now: new Date(), freeze: 'required', maxFreezeMs: 1000 },
  );

/** The watchdog reaches the fake world's domain (instance-00000001 on compute-1) on a sandbox, as it must before it arms. */
let sandbox: RunningSandbox;
let HV_CONFIG: HypervisorConfig;
beforeAll(async () => {
  sandbox = await startSandbox();
  HV_CONFIG = sandboxHypervisorConfig(sandbox.url, { session: 'oneshot' });
});
afterAll(async () => sandbox.close());

/** The real watchdog process (dist/engine/watchdog-main.js, built by `npm test`). */
describe('a watchdog that dies', () => {
  it('before the freeze: a long-lived process replaces it at the next arm, and the guest is frozen only once a new one is armed', async () => {
    const w = fakeWorld();
    const dog = new Watchdog();
    await dog.ready();
    const first = dog.pid!;
    process.kill(first, 'SIGKILL');
    await dog.gone();
    const result = await withInstanceLock(w.journal, 'i-1', (opId) => applyCreate(plan(), { ...w.deps, hypervisorConfig: HV_CONFIG, watchdog: dog }, opId));
    expect(result.state).toBe('complete');
    expect(dog.pid).toBeDefined();
    expect(dog.pid).not.toBe(first);
    expect(w.events.indexOf('freeze:instance-00000001')).toBeGreaterThan(-1);
    dog.close();
  });

  it('that cannot reach the hypervisor refuses to arm: nothing is frozen', async () => {
    const dog = new Watchdog();
    for (const bad of [
      { ...HV_CONFIG, uriTemplate: 'not a uri' },
      { ...HV_CONFIG, virsh: '/nonexistent/virsh' },
    ]) {
      const world = fakeWorld();
      const result = await withInstanceLock(world.journal, 'i-1', (opId) => applyCreate(plan(), { ...world.deps, hypervisorConfig: bad, watchdog: dog }, opId));
      expect(result).toMatchObject({ state: 'failed', frozenMs: null, error: { code: 'CCSNAP_WATCHDOG' } });
      expect(world.events.filter((e) => e.startsWith('freeze:'))).toEqual([]);
      expect(await world.journal.listUnfinishedOperations()).toEqual([]);
    }
    dog.close();
  });

  it('inside the window: ccsnap does not crash on the closed pipe, and still thaws', async () => {
    const w = fakeWorld();
    const dog = new Watchdog();
    const freeze = w.deps.hypervisor.freeze.bind(w.deps.hypervisor);
    w.deps.hypervisor.freeze = async (domain, opts) => {
      const r = await freeze(domain, opts);
      process.kill(dog.pid!, 'SIGKILL');
      await dog.gone();
      return r;
    };
    const result = await withInstanceLock(w.journal, 'i-1', (opId) => applyCreate(plan(), { ...w.deps, hypervisorConfig: HV_CONFIG, watchdog: dog }, opId));
    expect(result.state).toBe('complete');
    expect(w.hv.frozen).toBe(false);
    dog.close();
  });
});
