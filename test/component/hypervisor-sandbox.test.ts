import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/index.js';
import { createHypervisorPool, freezeMayHaveTakenEffect, type HypervisorConfig, type HypervisorPool } from '../../src/hypervisor/index.js';
import { fetchSandboxDomain, frozenWindows, patchSandboxDomain, readDomainEvents, sandboxHypervisorConfig } from '../../src/sandbox-entry.js';
import { rejectionOf as codeOf } from '../helpers/rejection.js';

// demo inventory: web-1 = instance-00000001 (compute-1, 2 disks), noagent-1 = instance-00000005 (compute-2),
// stopped-1 = instance-00000006 (compute-1), win-1 = instance-00000007 (compute-2, auto-thaw)
const WEB = 'instance-00000001';
const DB = 'instance-00000002';
const APP = 'instance-00000003';
const NOAGENT = 'instance-00000005';
const STOPPED = 'instance-00000006';
const WIN = 'instance-00000007';

describe.each(['persistent', 'oneshot'] as const)('sandbox hypervisor through the virsh driver (%s)', (session) => {
  let sandbox: RunningSandbox;
  let pools: HypervisorPool[] = [];
  const pool = (o: Partial<HypervisorConfig> = {}): HypervisorPool => {
    const p = createHypervisorPool(sandboxHypervisorConfig(sandbox.url, { session, agentTimeoutSec: 1, commandTimeoutMs: 8000, ...o }));
    pools.push(p);
    return p;
  };

  beforeAll(async () => {
    sandbox = await startSandbox();
  });
  afterEach(async () => {
    await Promise.all(pools.map((p) => p.close()));
    pools = [];
    sandbox.ctx.faults.clear();
  });
  afterAll(async () => {
    await sandbox.close();
  });

  it('freezes, reports frozen, thaws, reports thawed; the sandbox records the frozen window and the commands', async () => {
    const hv = pool().forHost('compute-1');
    const since = sandbox.ctx.transcript.lastSeq();
    expect(await hv.domainState(WEB)).toBe('running');
    expect(await hv.fsInfo(WEB)).toEqual([
      { mountpoint: '/', name: 'vda1', type: 'ext4', target: 'vda' },
      { mountpoint: '/data1', name: 'vdb1', type: 'ext4', target: 'vdb' },
    ]);
    await hv.ping(WEB);
    expect(await hv.freeze(WEB)).toEqual({ filesystems: 2 });
    expect(await hv.freezeStatus(WEB)).toBe('frozen');
    expect(await hv.thaw(WEB)).toEqual({ filesystems: 2 });
    expect(await hv.freezeStatus(WEB)).toBe('thawed');
    expect(await hv.thaw(WEB)).toEqual({ filesystems: 0 });
    const windows = frozenWindows(await readDomainEvents(sandbox.url, WEB));
    const last = windows[windows.length - 1]!;
    expect(last.endedBy).toBe('thaw');
    expect(last.ms).toBeGreaterThanOrEqual(0);
    const commands = sandbox.ctx.transcript
      .list(since)
      .filter((e) => e.service === 'hypervisor' && e.path.includes('/virsh/'))
      .map((e) => e.command);
    expect(commands).toEqual([
      'domstate',
      'domfsinfo',
      'qemu-agent-command',
      'domfsfreeze',
      'qemu-agent-command',
      'domfsthaw',
      'qemu-agent-command',
      'domfsthaw',
    ]);
    // ccsnap bounds its own calls; the domain's agent timeout, shared with Nova and every agent user, is untouched
    expect((await fetchSandboxDomain(sandbox.url, WEB)).agentTimeoutSec).toBe(-1);
  });

  it('freezes only the given mount points (unknown ones silently, like qemu-ga)', async () => {
    const hv = pool().forHost('compute-1');
    expect(await hv.freeze(DB, { mountpoints: ['/data1', '/nope'] })).toEqual({ filesystems: 1 });
    expect(await hv.thaw(DB)).toEqual({ filesystems: 1 });
  });

  it('maps the guest-agent and domain errors to typed codes', async () => {
    const hv1 = pool().forHost('compute-1');
    const hv2 = pool().forHost('compute-2');
    await hv1.freeze(WEB);
    const twice = await codeOf(hv1.freeze(WEB));
    expect(twice.code).toBe('CCSNAP_HV_ALREADY_FROZEN');
    expect(twice.details).toMatchObject({ domain: WEB, exitCode: 1, mayBeFrozen: true });
    expect(String(twice.details.stderr)).toContain('the agent is in frozen state');
    expect((await codeOf(hv1.fsInfo(WEB))).code).toBe('CCSNAP_HV_ALREADY_FROZEN');
    await hv1.thaw(WEB);

    const noagent = await codeOf(hv2.freeze(NOAGENT));
    expect(noagent.code).toBe('CCSNAP_HV_AGENT_NOT_CONFIGURED');
    expect(freezeMayHaveTakenEffect(noagent)).toBe(false);
    expect((await codeOf(hv1.freeze(STOPPED))).code).toBe('CCSNAP_HV_DOMAIN_NOT_RUNNING');
    expect((await codeOf(hv1.thaw(STOPPED))).code).toBe('CCSNAP_HV_DOMAIN_NOT_RUNNING');
    expect(await hv1.domainState(STOPPED)).toBe('shut off');
    expect((await codeOf(hv1.freeze('instance-0000ffff'))).code).toBe('CCSNAP_HV_DOMAIN_NOT_FOUND');
    // a domain of another compute host is not visible on this one
    expect((await codeOf(hv1.freeze(APP))).code).toBe('CCSNAP_HV_DOMAIN_NOT_FOUND');

    await patchSandboxDomain(sandbox.url, APP, { agent: 'disconnected' });
    const nc = await codeOf(hv2.freeze(APP));
    expect(nc.code).toBe('CCSNAP_HV_AGENT_NOT_CONNECTED');
    expect((await codeOf(hv2.ping(APP))).code).toBe('CCSNAP_HV_AGENT_NOT_CONNECTED');
    await patchSandboxDomain(sandbox.url, APP, { agent: 'ok' });
    await hv2.ping(APP);
  });

  it('passes hostile domain names as one argument and fails cleanly', async () => {
    const hv = pool().forHost('compute-1');
    for (const name of ["x'; domfsthaw --domain=instance-00000001; echo '", 'a b', '"q"', '--help', '$(reboot)', '#c', 'semi;colon', 'back\\slash']) {
      const err = await codeOf(hv.freeze(name));
      expect(err.code).toBe('CCSNAP_HV_DOMAIN_NOT_FOUND');
      expect(String(err.details.stderr)).toBe(`error: failed to get domain '${name}'`);
    }
    expect((await codeOf(hv.freeze('a\nb'))).code).toBe('CCSNAP_HV_BAD_ARGUMENT');
    expect(await hv.domainState(WEB)).toBe('running');
  });

  it('a hung agent with a domain agent timeout (set by another agent user): the freeze fails, then runs when the agent comes back', async () => {
    const hv = pool({ agentTimeoutSec: 1 }).forHost('compute-1');
    await patchSandboxDomain(sandbox.url, DB, { agent: 'hang', agentTimeoutSec: 1 });
    const err = await codeOf(hv.freeze(DB));
    expect(err.code).toBe('CCSNAP_HV_AGENT_TIMEOUT');
    expect(err.message).toContain('Guest agent not available for now');
    expect(freezeMayHaveTakenEffect(err)).toBe(true);
    expect((await fetchSandboxDomain(sandbox.url, DB)).queued).toEqual(['guest-fsfreeze-freeze']);
    const back = await patchSandboxDomain(sandbox.url, DB, { agent: 'ok' });
    expect(back.frozen).toBe(true); // the agent executed the queued freeze although the caller got an error
    expect(await hv.freezeStatus(DB)).toBe('frozen');
    expect(await hv.thaw(DB)).toEqual({ filesystems: 3 });
    const events = await readDomainEvents(sandbox.url, DB);
    expect(
      events
        .filter((e) => !e.kind.endsWith('-requested'))
        .slice(-3)
        .map((e) => e.kind),
    ).toEqual(['freeze-failed', 'freeze', 'thaw']);
  });

  it('drops the queued freeze when configured so', async () => {
    const hv = pool({ agentTimeoutSec: 1 }).forHost('compute-1');
    await patchSandboxDomain(sandbox.url, DB, { agent: 'hang', onRecovery: 'drop', agentTimeoutSec: 1 });
    expect((await codeOf(hv.freeze(DB))).code).toBe('CCSNAP_HV_AGENT_TIMEOUT');
    expect((await patchSandboxDomain(sandbox.url, DB, { agent: 'ok' })).frozen).toBe(false);
    await patchSandboxDomain(sandbox.url, DB, { onRecovery: 'run' });
    expect(await hv.freezeStatus(DB)).toBe('thawed');
  });

  it('bounds a hang without agent timeout by the command deadline, then works again', async () => {
    // The deadline leaves a virsh started on a loaded machine time to reach the guest (the hang is what it bounds).
    const hv = pool({ agentTimeoutSec: 0, commandTimeoutMs: 4000 }).forHost('compute-1');
    await patchSandboxDomain(sandbox.url, WEB, { agent: 'hang' });
    const err = await codeOf(hv.freeze(WEB));
    expect(err.code).toBe('CCSNAP_HV_TIMEOUT');
    expect(err.details).toMatchObject({ mayBeFrozen: true, timeoutMs: 4000, domain: WEB });
    await patchSandboxDomain(sandbox.url, WEB, { agent: 'ok' });
    expect(await hv.freezeStatus(WEB)).toBe('frozen');
    expect(await hv.thaw(WEB)).toEqual({ filesystems: 2 });
  });

  it('a slow freeze that outlives the deadline still happens (thaw anyway)', async () => {
    // The freeze runs in the guest until the rule is removed, so it outlives any deadline, however loaded the machine.
    const hv = pool({ commandTimeoutMs: 4000 }).forHost('compute-1');
    const slow = sandbox.ctx.faults.add({ service: 'agent', key: 'freeze', target: WEB, hang: true });
    const err = await codeOf(hv.freeze(WEB));
    expect(err.code).toBe('CCSNAP_HV_TIMEOUT');
    expect(freezeMayHaveTakenEffect(err)).toBe(true);
    expect(sandbox.ctx.faults.appliedCount(slow)).toBe(1);
    sandbox.ctx.faults.remove(slow);
    await expect.poll(() => hv.freezeStatus(WEB), { timeout: 5000, interval: 100 }).toBe('frozen');
    expect(await hv.thaw(WEB)).toEqual({ filesystems: 2 });
  });

  it('a Windows-style guest thaws by itself; the sandbox records the auto-thaw', async () => {
    const hv = pool().forHost('compute-2');
    await patchSandboxDomain(sandbox.url, WIN, { autoThawMs: 300 });
    await hv.freeze(WIN);
    await expect.poll(() => hv.freezeStatus(WIN), { timeout: 5000, interval: 100 }).toBe('thawed');
    expect(await hv.thaw(WIN)).toEqual({ filesystems: 0 });
    const w = frozenWindows(await readDomainEvents(sandbox.url, WIN)).pop()!;
    expect(w).toMatchObject({ endedBy: 'auto-thaw', ms: 300 });
  });

  it('applies hypervisor fault rules (error text, hang)', async () => {
    const hv = pool({ commandTimeoutMs: 4000 }).forHost('compute-1');
    sandbox.ctx.faults.add({ service: 'hypervisor', key: 'domfsthaw', target: WEB, errorText: 'internal error: injected', times: 1 });
    const err = await codeOf(hv.thaw(WEB));
    expect(err.code).toBe('CCSNAP_HV_COMMAND');
    expect(err.message).toContain('internal error: injected');
    sandbox.ctx.faults.add({ service: 'hypervisor', key: 'domstate', hang: true, times: 1 });
    expect((await codeOf(hv.domainState(WEB))).code).toBe('CCSNAP_HV_TIMEOUT');
    expect(await hv.domainState(WEB)).toBe('running');
  });

  it('reports connection failures as CCSNAP_HV_CONNECTION', async () => {
    const dead = createHypervisorPool({ ...sandboxHypervisorConfig('http://127.0.0.1:1'), session });
    pools.push(dead);
    expect((await codeOf(dead.forHost('compute-1').domainState(WEB))).code).toBe('CCSNAP_HV_CONNECTION');
    const remote = createHypervisorPool({ ...sandboxHypervisorConfig('http://192.0.2.1:80'), session });
    pools.push(remote);
    const err = await codeOf(remote.forHost('compute-1').domainState(WEB));
    expect(err.code).toBe('CCSNAP_HV_CONNECTION');
    expect(err.message).toContain('only loopback');
  });

  it('caller abort ends the command with CCSNAP_ABORTED', async () => {
    const hv = pool().forHost('compute-1');
    const rule = sandbox.ctx.faults.add({ service: 'hypervisor', key: 'domstate', hang: true, times: 1 });
    const err = await codeOf(hv.domainState(WEB, { signal: AbortSignal.abort() }));
    expect(err.code).toBe('CCSNAP_ABORTED');
    const c = new AbortController();
    const p = hv.domainState(WEB, { signal: c.signal });
    // abort once the command is hanging in the sandbox (not after a guessed delay)
    await expect.poll(() => sandbox.ctx.faults.appliedCount(rule), { timeout: 20_000, interval: 20 }).toBe(1);
    c.abort();
    expect((await codeOf(p)).code).toBe('CCSNAP_ABORTED');
    expect(await hv.domainState(WEB)).toBe('running');
  });

  it.runIf(session === 'persistent')('a thaw jumps the queue of its session', async () => {
    const hv = pool().forHost('compute-1');
    await hv.freeze(WEB);
    sandbox.ctx.faults.add({ service: 'hypervisor', key: 'domstate', latencyMs: 400, times: 1 });
    const since = sandbox.ctx.transcript.lastSeq();
    const busy = hv.domainState(WEB);
    const status = hv.freezeStatus(WEB);
    const thaw = hv.thaw(WEB);
    expect(await thaw).toEqual({ filesystems: 2 });
    expect(await status).toBe('thawed');
    await busy;
    const order = sandbox.ctx.transcript
      .list(since)
      .filter((e) => e.path.includes('/virsh/'))
      .map((e) => e.command);
    expect(order).toEqual(['domstate', 'domfsthaw', 'qemu-agent-command']);
  });
});
