import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { recoverOperations } from '../../src/ops/recover.js';
import { startSandboxRuntime, type SandboxRuntime } from '../helpers/sandbox-runtime.js';

/**
 * An operation that sent a freeze and never saw the agent answer "thawed" afterwards (the freeze failed, or
 * ccsnap handed the guest to the watchdog) stays thaw-pending in the journal until someone checks the guest.
 */
describe('recover checks every guest whose thaw was never confirmed, failed operations included', () => {
  let f: SandboxRuntime;
  beforeEach(async () => {
    f = await startSandboxRuntime();
  });
  afterEach(async () => f.close());

  const web = () => {
    const server = f.sandbox.ctx.state.nova.servers.find((s) => s.name === 'web-1')!;
    return { server, domain: f.sandbox.ctx.state.hypervisor.domains.find((d) => d.name === server.instanceName)! };
  };

  /** A failed create whose freeze "failed" but landed later: the guest is frozen, the journal says failed. */
  async function leaveFailedFreeze(finishedAt = new Date()): Promise<string> {
    const { server, domain } = web();
    const journal = f.rt.journal();
    const opId = `op-${Math.random().toString(16).slice(2)}`;
    await journal.insertOperation({
      id: opId,
      kind: 'create',
      instanceId: server.id,
      instanceName: server.name,
      host: server.host,
      uri: null,
      domain: domain.name,
      plan: {},
    });
    await journal.markFreezeSent(opId, new Date(finishedAt.getTime() - 1000));
    // The journal stamps finished_at with the clock: the operation finished at `finishedAt`.
    vi.setSystemTime(finishedAt);
    try {
      await journal.finishOperation(opId, { state: 'failed', errorCode: 'CCSNAP_FREEZE_FAILED', errorMessage: 'agent timeout' });
    } finally {
      vi.useRealTimers();
    }
    domain.frozen = true;
    domain.frozenSince = Date.now();
    domain.events.push({ at: Date.now(), kind: 'freeze', detail: 'landed after libvirt reported the freeze failed' });
    return opId;
  }

  it('`recover` thaws the guest, confirms the thaw, and finds nothing the second time', async () => {
    const opId = await leaveFailedFreeze();
    const reports = await recoverOperations(f.rt, { auto: false });
    expect(reports).toEqual([expect.objectContaining({ opId, action: 'check thaw', outcome: 'recovered' })]);
    expect(reports[0]!.detail).toMatch(/is thawed \(recover thawed 2 filesystem\(s\)\)/);
    expect(web().domain.frozen).toBe(false);
    expect(await f.rt.journal().listThawPending()).toEqual([]);
    expect(await recoverOperations(f.rt, { auto: false })).toEqual([]);
  });

  it('the automatic pass leaves a recent one to the watchdog (its guard time), and takes an older one', async () => {
    await leaveFailedFreeze();
    expect(await recoverOperations(f.rt, { auto: true })).toEqual([]);
    expect(web().domain.frozen).toBe(true);
    const old = await leaveFailedFreeze(new Date(Date.now() - f.rt.settings.create.thawGuardMs - 60_000));
    const reports = await recoverOperations(f.rt, { auto: true });
    expect(reports.map((r) => [r.opId, r.outcome])).toEqual([[old, 'recovered']]);
    expect(web().domain.frozen).toBe(false);
  });
});
