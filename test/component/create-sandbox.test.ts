import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { patchSandboxDomain } from '../../src/sandbox/hypervisor/helpers.js';
import type { TranscriptEntry } from '../../src/sandbox/transcript.js';
import { openCreateFixture, resultOf, type CreateFixture } from './create-fixture.js';

let f: CreateFixture;
beforeEach(async () => {
  f = await openCreateFixture();
});
afterEach(async () => {
  await f.close();
});

function domainOf(name: string): string {
  return f.sandbox.ctx.state.nova.servers.find((s) => s.name === name)!.instanceName;
}

function snapshotsOn(fsIds: string[]): string[] {
  return f.sandbox.ctx.state.array.snapshots.filter((s) => fsIds.includes(s.fsId)).map((s) => s.name);
}

/** The requests served between the end of the freeze and the start of the thaw that follows it. */
function windowOf(entries: TranscriptEntry[]): { freeze: TranscriptEntry; thaw: TranscriptEntry; inside: TranscriptEntry[] } {
  const freeze = entries.find((e) => e.command === 'domfsfreeze')!;
  const thaw = entries.find((e) => e.command === 'domfsthaw' && e.seq > freeze.seq)!;
  const inside = entries.filter((e) => e.seq > freeze.seq && e.seq < thaw.seq);
  return { freeze, thaw, inside };
}

describe('create on the sandbox (real virsh driver path, real HTTP)', () => {
  it('freezes before every snapshot call, runs nothing else in the window, then thaws', async () => {
    const seq = f.sandbox.ctx.transcript.lastSeq();
    const r = resultOf(await f.create({ instances: ['db-1'], label: 'nightly' }));
    expect(r.state).toBe('complete');
    expect(r.members).toHaveLength(3);
    const entries = f.transcriptSince(seq);
    const { freeze, thaw, inside } = windowOf(entries);
    expect(inside.map((e) => e.command)).toEqual(['createStorageSnapshot', 'createStorageSnapshot', 'createStorageSnapshot']);
    for (const e of inside) {
      expect(e.at).toBeGreaterThanOrEqual(freeze.doneAt!);
      expect(e.doneAt!).toBeLessThanOrEqual(thaw.at);
    }
    const creates = entries.filter((e) => e.command === 'createStorageSnapshot');
    expect(creates).toHaveLength(3);
    // The array is checked (and connections opened) before the freeze; paths are looked up after the thaw.
    const lists = entries.filter((e) => e.command === 'listStorageSnapshots');
    expect(lists.filter((e) => e.seq < freeze.seq)).toHaveLength(3);
    expect(lists.filter((e) => e.seq > thaw.seq)).toHaveLength(3);
    const windows = await f.windows(domainOf('db-1'));
    expect(windows).toHaveLength(1);
    expect(windows[0]!.endedBy).toBe('thaw');
    // ccsnap's own figure (freeze answer to thaw answer) agrees with the sandbox's clock.
    expect(Math.abs(r.frozenMs! - windows[0]!.ms!)).toBeLessThan(50);
    expect((await f.rt.journal().getSet(r.setId))!.state).toBe('complete');
  });

  it('thaws and deletes what was created when the array fails one member', async () => {
    const fs = f.sandbox.ctx.state.array.filesystems.map((x) => x.id);
    f.sandbox.ctx.faults.add({
      service: 'array',
      key: 'createStorageSnapshot',
      errorCode: 530,
      errorText: 'Failed to create snapshot due to : pool busy',
      after: 1,
      times: 1,
    });
    const r = resultOf(await f.create({ instances: ['db-1'] }));
    expect(r.state).toBe('failed');
    expect(r.error?.message).toMatch(/pool busy/);
    expect((await f.windows(domainOf('db-1')))[0]!.endedBy).toBe('thaw');
    expect(snapshotsOn(fs)).toEqual([]);
    expect(r.members.filter((m) => m.state === 'deleted')).toHaveLength(2);
    expect((await f.rt.journal().getSet(r.setId))!.state).toBe('failed');
  });

  it('thaws within --max-freeze when the array hangs, and discards the set', async () => {
    f.sandbox.ctx.faults.add({ service: 'array', key: 'createStorageSnapshot', hang: true });
    const r = resultOf(await f.create({ instances: ['web-1'], maxFreezeMs: 300 }));
    expect(r.state).toBe('failed');
    expect(r.error?.code).toBe('CCSNAP_FREEZE_WINDOW_EXCEEDED');
    const [w] = await f.windows(domainOf('web-1'));
    expect(w!.endedBy).toBe('thaw');
    expect(w!.ms!).toBeLessThan(3000);
  });

  it('thaws after a non-JSON array body', async () => {
    f.sandbox.ctx.faults.add({ service: 'array', key: 'createStorageSnapshot', nonJson: '<html>502 Bad Gateway</html>', times: 1 });
    const r = resultOf(await f.create({ instances: ['web-1'] }));
    expect(r.state).toBe('failed');
    expect(r.error?.code).toBe('CCSNAP_ARRAY_BAD_RESPONSE');
    expect((await f.windows(domainOf('web-1')))[0]!.endedBy).toBe('thaw');
  });

  it('re-thaws when the first thaw fails, and the set still completes', async () => {
    f.sandbox.ctx.faults.add({
      service: 'hypervisor',
      key: 'domfsthaw',
      errorCode: 1,
      errorText: 'internal error: unable to execute QEMU agent command',
      times: 1,
    });
    const seq = f.sandbox.ctx.transcript.lastSeq();
    const r = resultOf(await f.create({ instances: ['web-1'] }));
    expect(r.state).toBe('complete');
    expect(r.thaw?.attempts).toBe(2);
    expect(f.transcriptSince(seq).filter((e) => e.command === 'domfsthaw')).toHaveLength(2);
    const domain = f.sandbox.ctx.state.hypervisor.domains.find((d) => d.name === domainOf('web-1'))!;
    expect(domain.frozen).toBe(false);
  });

  it('refuses when the agent does not answer the pre-check, and freezes nothing', async () => {
    const domain = domainOf('app-1');
    await patchSandboxDomain(f.sandbox.url, domain, { agent: 'hang' });
    const seq = f.sandbox.ctx.transcript.lastSeq();
    const [o] = await f.create({ instances: ['app-1'] });
    await patchSandboxDomain(f.sandbox.url, domain, { agent: 'ok', onRecovery: 'drop' });
    expect(o).toMatchObject({ kind: 'error', error: { code: 'CCSNAP_HV_AGENT_TIMEOUT' } });
    const commands = f.transcriptSince(seq).map((e) => e.command);
    expect(commands).not.toContain('domfsfreeze');
    expect(commands).not.toContain('createStorageSnapshot');
  });

  it('snapshots nothing when the freeze does not answer within the freeze window, and thaws anyway', async () => {
    const domain = domainOf('app-1');
    f.sandbox.ctx.faults.add({ service: 'hypervisor', key: 'domfsfreeze', target: domain, hang: true });
    const seq = f.sandbox.ctx.transcript.lastSeq();
    const r = resultOf(await f.create({ instances: ['app-1'] }));
    expect(r.state).toBe('failed');
    // the window is counted from the freeze request: an unanswered freeze "may have frozen" and is thawed
    expect(r.error?.code).toBe('CCSNAP_FREEZE_WINDOW_EXCEEDED');
    expect(r.thaw?.verified).toBe(true);
    const commands = f.transcriptSince(seq).map((e) => e.command);
    expect(commands).not.toContain('createStorageSnapshot');
    expect(commands.lastIndexOf('domfsthaw')).toBeGreaterThan(commands.indexOf('domfsfreeze'));
    expect(f.sandbox.ctx.state.hypervisor.domains.find((d) => d.name === domain)!.frozen).toBe(false);
  });

  it('takes a crash-consistent set with --freeze best-effort when the guest has no agent', async () => {
    const r = resultOf(await f.create({ instances: ['noagent-1'], freeze: 'best-effort' }));
    expect(r.state).toBe('complete');
    expect(r.consistency).toBe('crash-consistent');
    expect(r.reason).toMatch(/agent/);
    expect(await f.windows(domainOf('noagent-1'))).toEqual([]);
  });

  it('refuses an instance without agent under --freeze required, with a clear code', async () => {
    const [o] = await f.create({ instances: ['noagent-1'] });
    expect(o).toMatchObject({ kind: 'error', error: { code: 'CCSNAP_HV_AGENT_NOT_CONFIGURED' } });
  });

  it('takes an offline set of a shut-off instance without freezing', async () => {
    const r = resultOf(await f.create({ instances: ['stopped-1'] }));
    expect(r.consistency).toBe('offline');
    expect(await f.windows(domainOf('stopped-1'))).toEqual([]);
  });

  it('runs many instances with one result each, bounded per host', async () => {
    const out = await f.create({ instances: ['web-1', 'db-1', 'app-1', 'legacy-1'], perHost: 1 });
    expect(out.map((o) => o.kind)).toEqual(['result', 'result', 'result', 'error']);
    const ws1 = [...(await f.windows(domainOf('web-1'))), ...(await f.windows(domainOf('db-1')))];
    // web-1 and db-1 share compute-1: with --per-host 1 their windows never overlap.
    const [a, b] = ws1.sort((x, y) => x.from - y.from);
    expect(a!.to!).toBeLessThanOrEqual(b!.from);
  });
});
