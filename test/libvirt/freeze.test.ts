import { copyFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createHypervisorPool, type HypervisorConfig, type HypervisorPool } from '../../src/hypervisor/index.js';
import { consoleText, guestExec, guestSpawn, realvm, sh, skipReason, waitFor, type RealVm } from './realvm.js';

const vm = realvm();
if (!vm) console.warn(`[test:libvirt] freeze tests skipped: ${skipReason()}`);

const config = (vm: RealVm, session: HypervisorConfig['session']): HypervisorConfig => ({
  uriTemplate: vm.uri,
  virsh: 'virsh',
  agentTimeoutSec: 5,
  commandTimeoutMs: 20_000,
  session,
});

/** Superblock features of an ext4 image (dumpe2fs -h). */
async function features(image: string): Promise<string> {
  const r = await sh('dumpe2fs', ['-h', image]);
  return /^Filesystem features:\s*(.*)$/m.exec(r.out)?.[1] ?? '';
}

describe.skipIf(!vm)('real libvirt guest: freeze and thaw', () => {
  const v = vm!;
  const pools: HypervisorPool[] = [];
  const hv = (session: HypervisorConfig['session'] = 'persistent') => {
    const p = createHypervisorPool(config(v, session));
    pools.push(p);
    return p.forHost('localhost');
  };
  afterEach(async () => {
    // never leave the shared guest frozen
    await hv('oneshot')
      .thaw(v.domain)
      .catch(() => undefined);
  });
  afterAll(async () => {
    await Promise.all(pools.map((p) => p.close()));
  });

  it.each(['persistent', 'oneshot'] as const)('freeze -> frozen -> thaw -> thawed (%s)', async (session) => {
    const h = hv(session);
    expect(await h.domainState(v.domain)).toBe('running');
    expect(await h.fsInfo(v.domain)).toEqual([{ mountpoint: '/data', name: 'vda', type: 'ext4', target: 'vda' }]);
    await h.ping(v.domain);
    expect(await h.freeze(v.domain)).toEqual({ filesystems: 1 });
    expect(await h.freezeStatus(v.domain)).toBe('frozen');
    expect(await h.thaw(v.domain)).toEqual({ filesystems: 1 });
    expect(await h.freezeStatus(v.domain)).toBe('thawed');
    expect(await h.thaw(v.domain)).toEqual({ filesystems: 0 });
  });

  it('writes inside the guest block while it is frozen and go through after the thaw', async () => {
    const h = hv();
    const tag = `w${Date.now().toString(36)}`;
    // each step announces itself on the serial console (not on the frozen disk)
    await guestSpawn(
      v,
      `i=0; while [ $i -lt 600 ]; do i=$((i+1)); echo "${tag}-$i-BEGIN" > /dev/console; echo $i >> /data/${tag}; echo "${tag}-$i-END" > /dev/console; usleep 50000; done`,
    );
    await waitFor('writer running', () => (consoleText(v).includes(`${tag}-2-END`) ? true : undefined));
    await h.freeze(v.domain);
    const lastStep = (): string =>
      consoleText(v)
        .split(/\r?\n/)
        .filter((l) => l.startsWith(`${tag}-`))
        .pop() ?? '';
    // the writer reaches its next write and stays blocked in it
    const blocked = await waitFor('writer blocked in write', () => (lastStep().endsWith('-BEGIN') ? lastStep() : undefined), 10_000);
    await new Promise((r) => setTimeout(r, 1500));
    expect(lastStep()).toBe(blocked);
    expect(await h.freezeStatus(v.domain)).toBe('frozen');
    await h.thaw(v.domain);
    const step = blocked.replace(/-BEGIN$/, '-END');
    await waitFor('blocked write to finish after thaw', () => (consoleText(v).includes(step) ? true : undefined), 10_000);
    await guestExec(v, `pkill -f "${tag}-" ; rm -f /data/${tag}`);
  });

  it('a copy of the data disk taken while frozen is clean; one taken under write load needs recovery', async () => {
    const h = hv();
    const frozenCopy = join(v.work, 'copy-frozen.raw');
    const liveCopy = join(v.work, 'copy-live.raw');
    try {
      await guestSpawn(
        v,
        'i=0; while [ $i -lt 100 ]; do i=$((i+1)); dd if=/dev/zero of=/data/load bs=64k count=32 conv=fsync 2>/dev/null; usleep 100000; done',
      );
      await new Promise((r) => setTimeout(r, 1000));
      await h.freeze(v.domain);
      copyFileSync(v.disk, frozenCopy); // the array's snapshot, in miniature
      await h.thaw(v.domain);
      copyFileSync(v.disk, liveCopy);

      const fsck = await sh('e2fsck', ['-fn', frozenCopy]);
      expect(fsck.code, fsck.out + fsck.err).toBe(0);
      expect(await features(frozenCopy)).not.toContain('needs_recovery');
      expect(await features(liveCopy)).toContain('needs_recovery');
      const live = await sh('e2fsck', ['-fn', liveCopy]);
      expect(live.out + live.err).toContain('skipping journal recovery');
    } finally {
      rmSync(frozenCopy, { force: true });
      rmSync(liveCopy, { force: true });
      await guestExec(v, 'pkill dd; rm -f /data/load').catch(() => undefined);
    }
  });
});
