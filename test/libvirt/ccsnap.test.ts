import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeRuntime } from '../../src/compose.js';
import { createSnapshots } from '../../src/ops/create.js';
import { rollbackInstance } from '../../src/ops/rollback.js';
import type { Runtime } from '../../src/runtime.js';
import { emptyState, seedDemoState, sandboxCloud, startSandbox, SANDBOX_API_KEY, type RunningSandbox } from '../../src/sandbox-entry.js';
import { guestExec, guestSpawn, realvm, skipReason, waitForAgent, type RealVm } from './realvm.js';

const sh = promisify(execFile);
const vm = realvm();
if (!vm) console.warn(`[test:libvirt] ccsnap tests skipped: ${skipReason()}`);

/** Superblock features of an ext4 image, and whether e2fsck -fn passes. */
async function fsck(image: string): Promise<{ features: string; clean: boolean }> {
  const head = await sh('dumpe2fs', ['-h', image], { encoding: 'utf8' }).catch((e: { stdout: string }) => ({ stdout: e.stdout }));
  const features = /^Filesystem features:\s*(.*)$/m.exec(head.stdout)?.[1] ?? '';
  const clean = await sh('e2fsck', ['-fn', image]).then(
    () => true,
    () => false,
  );
  return { features, clean };
}

/**
 * ccsnap end to end on a REAL libvirt/QEMU guest with qemu-guest-agent: Nova, Cinder and the array
 * are the sandbox's (the array in file-backed mode, its filesystem image being the guest's data disk),
 * the hypervisor is real (`virsh -c qemu:///system`, persistent session).
 */
describe.skipIf(!vm)('ccsnap on a real QEMU guest', () => {
  const v = vm as RealVm;
  let sandbox: RunningSandbox;
  let rt: Runtime;

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ccsnap-realvm-'));
    const state = seedDemoState(emptyState(), [{ name: 'realvm', host: 'localhost', volumes: ['cb-ssd'] }]);
    const server = state.nova.servers.find((s) => s.name === 'realvm')!;
    state.hypervisor.domains.find((d) => d.name === server.instanceName)!.name = v.domain;
    server.instanceName = v.domain;
    const volume = state.cinder.volumes.find((x) => x.attachments.some((a) => a.serverId === server.id))!;
    state.array.filesystems.find((f) => f.name === volume.id.replace(/-/g, ''))!.imagePath = v.disk;
    sandbox = await startSandbox({ state, dataDir: dir });
    rt = await composeRuntime({
      cloud: sandboxCloud(sandbox.url),
      env: { CCSNAP_ARRAY_API_KEY: SANDBOX_API_KEY },
      journalPath: join(dir, 'journal.db'),
      config: {
        inline: {
          arrays: [{ name: 'sandbox', url: `${sandbox.url}/client/api`, api_key_env: 'CCSNAP_ARRAY_API_KEY', rollback: 'newest-only' }],
          hypervisor: { uri: v.uri, virsh: 'virsh', session: 'persistent', agent_timeout: '5s', command_timeout: '20s' },
        },
      },
    });
  });

  afterAll(async () => {
    await rt?.close();
    await sandbox?.close();
  });

  it('create under write load yields a snapshot image that passes e2fsck -fn without needs_recovery', async () => {
    await guestSpawn(v, 'i=0; while [ $i -lt 400 ]; do i=$((i+1)); dd if=/dev/urandom of=/data/load.$((i % 4)) bs=4k count=64 conv=fsync 2>/dev/null; done');
    await new Promise((r) => setTimeout(r, 500));
    const outcome = (await createSnapshots(rt, { instances: ['realvm'], label: 'under_load' }))[0]!;
    expect(outcome.kind).toBe('result');
    if (outcome.kind !== 'result') return;
    const r = outcome.result;
    expect(r.state).toBe('complete');
    expect(r.consistency).toBe('filesystem-consistent');
    expect(await rt.hypervisorFor('localhost').freezeStatus(v.domain)).toBe('thawed');
    const snap = sandbox.ctx.state.array.snapshots.find((s) => s.name === r.members[0]!.snapshotName)!;
    expect(snap.imagePath).toBeTruthy();
    const check = await fsck(snap.imagePath!);
    expect(check.features).not.toContain('needs_recovery');
    expect(check.clean).toBe(true);
  });

  it('rollback of the data disk: a file written after the snapshot is gone, one written before is intact', async () => {
    const hv = rt.hypervisorFor('localhost');
    expect((await guestExec(v, 'echo before > /data/before.txt && sync')).code).toBe(0);
    const created = (await createSnapshots(rt, { instances: ['realvm'], label: 'before_after' }))[0]!;
    if (created.kind !== 'result') throw new Error(JSON.stringify(created));
    const setId = created.result.setId;
    expect((await guestExec(v, 'echo after > /data/after.txt && sync')).code).toBe(0);

    // Without --discard-newer the older set (first test) is refused; this set is the newest: roll back to it.
    // The guest is stopped first: as nova-compute's libvirt driver would on os-stop.
    await sh('virsh', ['-c', v.uri, 'destroy', v.domain]);
    const server = sandbox.ctx.state.nova.servers.find((s) => s.name === 'realvm')!;
    Object.assign(server, { status: 'SHUTOFF', vmState: 'stopped', powerState: 4 });
    const { result } = await rollbackInstance(rt, { instance: 'realvm', set: setId, yes: true });
    expect(result?.state).toBe('done');
    expect(result?.volumes.map((x) => x.state)).toEqual(['rolled-back']);
    expect(await hv.domainState(v.domain)).toBe('shut off');

    await sh('virsh', ['-c', v.uri, 'start', v.domain]);
    await waitForAgent(v);
    const files = await guestExec(v, 'cat /data/before.txt; ls /data/after.txt 2>&1; true');
    expect(files.out).toContain('before');
    expect(files.out).toMatch(/after\.txt: No such file|can't access|cannot access/);
    Object.assign(server, { status: 'ACTIVE', vmState: 'active', powerState: 1 });
  });
});
