import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/index.js';
import { createHypervisorPool, type HypervisorPool } from '../../src/hypervisor/index.js';
import { fetchSandboxDomain, patchSandboxDomain, readDomainEvents, sandboxHypervisorConfig } from '../../src/sandbox-entry.js';
import { rejectionOf } from '../helpers/rejection.js';

// demo inventory: web-1 = instance-00000001 (compute-1, 2 filesystems)
const WEB = 'instance-00000001';

/**
 * The sandbox's hypervisor behaves as libvirt 9 / qemu-ga do (measured on a real guest): one agent job per
 * domain at a time, a 30 s wait for it with libvirt's error text, calls carried out although their client
 * gave up, a freeze that "fails" on the agent timeout and lands later, and agent faults set like any other.
 */
describe('the sandbox hypervisor runs agent calls like libvirt', () => {
  let sandbox: RunningSandbox;
  let pools: HypervisorPool[] = [];
  const hv = (commandTimeoutMs = 20_000) => {
    const p = createHypervisorPool(sandboxHypervisorConfig(sandbox.url, { session: 'oneshot', agentTimeoutSec: 0, commandTimeoutMs }));
    pools.push(p);
    return p.forHost('compute-1');
  };
  const countOf = async (kind: string): Promise<number> => (await readDomainEvents(sandbox.url, WEB)).filter((e) => e.kind === kind).length;
  /** Returns a waiter for the next `kind` event after now (events of earlier tests do not count). */
  const nextEvent = async (kind: string): Promise<() => Promise<void>> => {
    const before = await countOf(kind);
    return async () => {
      await expect.poll(() => countOf(kind), { timeout: 20_000, interval: 20 }).toBeGreaterThan(before);
    };
  };

  beforeAll(async () => {
    sandbox = await startSandbox();
  });
  afterEach(async () => {
    sandbox.ctx.faults.clear();
    await Promise.all(pools.map((p) => p.close()));
    pools = [];
    await patchSandboxDomain(sandbox.url, WEB, { freezeDelayMs: 0, agentTimeoutSec: -1, lockWaitMs: 30_000 });
    await hv().thaw(WEB);
  });
  afterAll(async () => {
    await sandbox.close();
  });

  it('a thaw sent while a slow freeze runs waits for it, then thaws: it never lands before the freeze', async () => {
    await patchSandboxDomain(sandbox.url, WEB, { freezeDelayMs: 600 });
    const requested = await nextEvent('freeze-requested');
    const freezing = hv().freeze(WEB);
    await requested();
    const thaw = await hv().thaw(WEB);
    expect(thaw).toEqual({ filesystems: 2 });
    expect(await freezing).toEqual({ filesystems: 2 });
    const events = (await readDomainEvents(sandbox.url, WEB)).filter((e) => e.kind === 'freeze' || e.kind === 'thaw').slice(-2);
    expect(events.map((e) => e.kind)).toEqual(['freeze', 'thaw']);
    expect((await fetchSandboxDomain(sandbox.url, WEB)).frozen).toBe(false);
  });

  it("a call that waits longer than the lock wait fails with libvirt's text, naming the job that holds it", async () => {
    // The freeze holds the job until the rule is removed: however slow the second virsh starts, it finds the lock held.
    await patchSandboxDomain(sandbox.url, WEB, { lockWaitMs: 200 });
    const hang = sandbox.ctx.faults.add({ service: 'agent', key: 'freeze', target: WEB, hang: true });
    const freezing = hv().freeze(WEB);
    await expect.poll(() => sandbox.ctx.faults.appliedCount(hang), { timeout: 20_000, interval: 20 }).toBe(1);
    const err = await rejectionOf(hv().freezeStatus(WEB));
    expect(err.message).toContain('cannot acquire state change lock (held by agent=remoteDispatchDomainFSFreeze)');
    sandbox.ctx.faults.remove(hang);
    await freezing;
  });

  it('a freeze whose caller gave up (virsh killed while the guest runs it) is carried out all the same', async () => {
    // The freeze hangs in the guest until the rule is removed; the caller gives up only once the guest has it
    // (an event, not a time: on a loaded machine a short deadline could kill virsh before the request left).
    const hang = sandbox.ctx.faults.add({ service: 'agent', key: 'freeze', target: WEB, hang: true });
    const landed = await nextEvent('freeze');
    const caller = new AbortController();
    const freezing = rejectionOf(hv().freeze(WEB, { signal: caller.signal }));
    await expect.poll(() => sandbox.ctx.faults.appliedCount(hang), { timeout: 20_000, interval: 20 }).toBe(1);
    caller.abort();
    expect((await freezing).code).toBe('CCSNAP_ABORTED');
    expect((await fetchSandboxDomain(sandbox.url, WEB)).frozen).toBe(false);
    sandbox.ctx.faults.remove(hang);
    await landed();
    expect((await fetchSandboxDomain(sandbox.url, WEB)).frozen).toBe(true);
  });

  it('with a domain agent timeout shorter than the freeze: the freeze fails, lands later, and the agent is busy until then', async () => {
    await patchSandboxDomain(sandbox.url, WEB, { freezeDelayMs: 1500, agentTimeoutSec: 1 });
    const lands = await nextEvent('freeze');
    const err = await rejectionOf(hv().freeze(WEB));
    expect(err.code).toBe('CCSNAP_HV_AGENT_TIMEOUT');
    expect((await fetchSandboxDomain(sandbox.url, WEB)).frozen).toBe(false);
    // still running in the guest: the next call's guest-sync finds the agent busy (or it answers after the freeze)
    const status = await hv()
      .freezeStatus(WEB)
      .catch((e: { code: string }) => e.code);
    expect(['CCSNAP_HV_AGENT_TIMEOUT', 'frozen']).toContain(status);
    await lands();
    const landed = (await readDomainEvents(sandbox.url, WEB)).filter((e) => e.kind === 'freeze').at(-1)!;
    expect(landed.detail).toMatch(/landed after libvirt reported the freeze failed/);
    expect((await fetchSandboxDomain(sandbox.url, WEB)).frozen).toBe(true);
  });

  it('agent faults (sandbox faults add --service agent): a slow status, and a hung thaw that ends when the rule is removed', async () => {
    const slow = sandbox.ctx.faults.add({ service: 'agent', key: 'status', target: WEB, latencyMs: 400, times: 1 });
    const t0 = Date.now();
    expect(await hv().freezeStatus(WEB)).toBe('thawed');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(400);
    expect(sandbox.ctx.faults.appliedCount(slow)).toBe(1);
    await hv().freeze(WEB);
    const hang = sandbox.ctx.faults.add({ service: 'agent', key: 'thaw', target: WEB, hang: true });
    const thawing = hv().thaw(WEB);
    await expect.poll(() => sandbox.ctx.faults.appliedCount(hang), { timeout: 20_000, interval: 20 }).toBe(1);
    expect((await fetchSandboxDomain(sandbox.url, WEB)).agentBusy).toBe(true);
    sandbox.ctx.faults.remove(hang);
    expect(await thawing).toEqual({ filesystems: 2 });
  });
});
