import { execFileSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { VirshSession } from '../../src/hypervisor/virsh-session.js';
import { createVirshHypervisor } from '../../src/hypervisor/virsh-driver.js';
import { createHypervisorPool, type HypervisorPool } from '../../src/hypervisor/index.js';
import type { CcsnapError } from '../../src/errors.js';
import { skipWithout } from '../helpers/software.js';

function hasVirsh(): boolean {
  try {
    execFileSync('virsh', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const HAS_VIRSH = hasVirsh();

// The test driver keeps its state only for the life of one connection: a persistent session sees its own
// freeze when it thaws, a one-shot process does not ("Thawed 0").
describe.skipIf(skipWithout(HAS_VIRSH, 'virsh (libvirt-clients)'))('persistent session against real virsh -c test:///default', () => {
  let sessions: VirshSession[] = [];
  let pools: HypervisorPool[] = [];
  const open = (): VirshSession => {
    const s = new VirshSession({ virsh: 'virsh', uri: 'test:///default' });
    sessions.push(s);
    return s;
  };
  afterEach(async () => {
    await Promise.all([...sessions.map((s) => s.close()), ...pools.map((p) => p.close())]);
    sessions = [];
    pools = [];
  });

  it('runs many commands on one connected process; state lives in the session', async () => {
    const s = open();
    const hv = createVirshHypervisor({
      runner: { uri: 'test:///default', run: (a, o) => s.run(a, o), close: () => s.close() },
      virsh: 'virsh',
      agentTimeoutSec: 5,
      commandTimeoutMs: 10_000,
    });
    expect(await hv.domainState('test')).toBe('running');
    expect(await hv.fsInfo('test')).toEqual([
      { mountpoint: '/', name: 'vda1', type: 'ext4', target: 'vda' },
      { mountpoint: '/boot', name: 'vda2', type: 'ext4', target: 'vda' },
    ]);
    // guest-agent-timeout is not supported by the test driver: tolerated, the process deadline still bounds the call
    expect(await hv.freeze('test')).toEqual({ filesystems: 2 });
    expect(await hv.thaw('test')).toEqual({ filesystems: 2 });
    expect(await hv.freeze('test', { mountpoints: ['/boot'] })).toEqual({ filesystems: 1 });
    expect(await hv.thaw('test')).toEqual({ filesystems: 1 });
    const unsupported = await hv.freezeStatus('test').catch((e: unknown) => e as CcsnapError);
    expect(unsupported).toMatchObject({ code: 'CCSNAP_HV_COMMAND' });
    expect(s.spawned).toBe(1);
  });

  it("passes hostile arguments through virsh's own parser as one argument", async () => {
    const s = open();
    const signal = AbortSignal.timeout(10_000);
    for (const arg of ["it's", 'a b', '"dq"', 'semi;colon', '#hash', 'back\\slash', '$(id)', "x'; destroy test; echo '", '--help', 'ünï']) {
      const r = await s.run(['echo', '--', arg], { signal });
      expect(r).toMatchObject({ stdout: `${arg}\n`, stderr: '', exitCode: 0 });
      const e = await s.run(['domstate', `--domain=${arg}`], { signal });
      expect(e).toMatchObject({ stderr: `error: failed to get domain '${arg}'\n`, exitCode: 1 });
    }
    const r = await s.run(['domstate', '--domain=test'], { signal });
    expect(r).toMatchObject({ stdout: 'running\n\n', exitCode: 0 });
    expect(s.spawned).toBe(1);
  });

  it('re-creates the process after a deadline kill', async () => {
    const s = open();
    const first = s.pid;
    expect(first).toBeUndefined();
    await s.run(['domstate', '--domain=test'], { signal: AbortSignal.timeout(10_000) });
    const pid = s.pid;
    const c = new AbortController();
    const killed = s.run(['domstate', '--domain=test'], { signal: c.signal });
    c.abort();
    await expect(killed).rejects.toMatchObject({ code: 'CCSNAP_ABORTED' });
    const r = await s.run(['domstate', '--domain=test'], { signal: AbortSignal.timeout(10_000) });
    expect(r.stdout).toBe('running\n\n');
    expect(s.pid).not.toBe(pid);
  });

  it('maps errors from the real virsh through the pool (persistent and one-shot)', async () => {
    for (const session of ['persistent', 'oneshot'] as const) {
      const pool = createHypervisorPool({ uriTemplate: 'test:///default', virsh: 'virsh', agentTimeoutSec: 5, commandTimeoutMs: 10_000, session });
      pools.push(pool);
      const hv = pool.forHost('compute-1');
      await expect(hv.freeze('nosuch')).rejects.toMatchObject({ code: 'CCSNAP_HV_DOMAIN_NOT_FOUND', details: { mayBeFrozen: false } });
      await expect(hv.thaw("no such'one")).rejects.toMatchObject({ code: 'CCSNAP_HV_DOMAIN_NOT_FOUND' });
      expect(await hv.freeze('test')).toEqual({ filesystems: 2 });
      // a one-shot process starts from a fresh test driver: nothing to thaw
      expect(await hv.thaw('test')).toEqual({ filesystems: session === 'persistent' ? 2 : 0 });
      const bad = createHypervisorPool({ uriTemplate: 'qemu+ssh://{host}:1/system', virsh: 'virsh', agentTimeoutSec: 5, commandTimeoutMs: 10_000, session });
      pools.push(bad);
      const conn = await bad
        .forHost('127.0.0.1')
        .domainState('x')
        .catch((e: unknown) => e as CcsnapError);
      expect({ code: (conn as CcsnapError).code, details: (conn as CcsnapError).details }).toMatchObject({ code: 'CCSNAP_HV_CONNECTION' });
      const missing = createHypervisorPool({
        uriTemplate: 'test:///default',
        virsh: '/nonexistent/virsh',
        agentTimeoutSec: 5,
        commandTimeoutMs: 10_000,
        session,
      });
      pools.push(missing);
      await expect(missing.forHost('h').domainState('test')).rejects.toMatchObject({ code: 'CCSNAP_HV_COMMAND' });
    }
  });
});
