import { describe, expect, it } from 'vitest';
import { applyCreate as apply, type CreateDeps } from '../../../src/engine/apply-create.js';
import { withInstanceLock } from '../../../src/journal/index.js';
import { planCreate, type CreateFacts } from '../../../src/engine/plan-create.js';
import { WATCHDOG_LAG_MS } from '../../../src/engine/watchdog-protocol.js';
import { CcsnapError } from '../../../src/errors.js';
import { fakeWorld } from './fakes.js';

function applyCreate(plan: ReturnType<typeof planCreate>, deps: CreateDeps) {
  return withInstanceLock(deps.journal, plan.instance.id, (opId) => apply(plan, deps, opId));
}

const facts: CreateFacts = {
  instance: { id: 'i-1', name: 'web-1', status: 'ACTIVE', host: 'compute-1', domain: 'instance-00000001' },
  uri: 'qemu:///system',
  volumes: [
    { id: 'v-boot', name: 'boot', volumeType: 'cb-ssd', bootable: true, device: '/dev/vda', array: { name: 'ec1', fsId: 'fs1' } },
    { id: 'v-data', name: 'data', volumeType: 'cb-hdd', bootable: false, device: '/dev/vdb', array: { name: 'ec1', fsId: 'fs2' } },
    {
      id: 'v-lvm',
      name: 'lvm',
      volumeType: 'lvm',
      bootable: false,
      device: '/dev/vdc',
      array: null,
      arrayReason: 'volume type lvm does not match the volume rule',
    },
  ],
  agent: { ok: true },
  freezeStatus: 'thawed',
};

function plan(overrides: Partial<Parameters<typeof planCreate>[1]> = {}) {
  return planCreate(facts, { setId: '0123456789ab', now: new Date('2026-11-26T06:00:00Z'), freeze: 'required', maxFreezeMs: 500, ...overrides });
}

describe('applyCreate', () => {
  it('freezes before every snapshot, runs nothing else in the window, thaws, then looks up paths', async () => {
    const w = fakeWorld();
    const result = await applyCreate(plan(), w.deps);
    expect(result.state).toBe('complete');
    expect(result.consistency).toBe('filesystem-consistent');
    const freezeAt = w.events.indexOf('freeze:instance-00000001');
    const thawAt = w.events.indexOf('thaw:instance-00000001');
    const window = w.events.slice(freezeAt + 1, thawAt).filter((e) => e !== 'frozen');
    expect(window.sort()).toEqual(['create:fs1:frozen', 'create:fs2:frozen']);
    expect(w.events.indexOf('arm')).toBeLessThan(freezeAt);
    expect(w.events.slice(thawAt)).toEqual(['thaw:instance-00000001', 'status', 'disarm', 'list:fs1', 'list:fs2']);
    expect(result.members.map((m) => m.path)).toEqual([
      'POOL1/ACC/fs1@ccs_0123456789ab_20261126060000_1of2',
      'POOL1/ACC/fs2@ccs_0123456789ab_20261126060000_2of2',
    ]);
    expect((await w.journal.getSet('0123456789ab'))!.state).toBe('complete');
    expect(w.watchdog.armed.size).toBe(0);
  });

  it('a watchdog that cannot be armed: nothing is frozen or snapshotted, and the set and the operation are closed as failed at once', async () => {
    const w = fakeWorld();
    w.deps.watchdog.arm = () => Promise.reject(new CcsnapError('CCSNAP_WATCHDOG', 'the thaw watchdog did not answer "arm" within 20000 ms'));
    const result = await applyCreate(plan(), w.deps);
    expect(result).toMatchObject({ state: 'failed', frozenMs: null, thawedBy: null, error: { code: 'CCSNAP_WATCHDOG' } });
    expect(result.error!.message).toMatch(/web-1 was not frozen, nothing was snapshotted/);
    expect(w.events.filter((e) => e.startsWith('freeze') || e.startsWith('create'))).toEqual([]);
    expect((await w.journal.getSet('0123456789ab'))!.state).toBe('failed');
    expect(await w.journal.listUnfinishedOperations()).toEqual([]);
    expect((await w.journal.listOperations())[0]).toMatchObject({ state: 'failed', errorCode: 'CCSNAP_WATCHDOG' });
  });

  it('a journal that refuses the freeze record (a fenced worker): no freeze is sent, nothing is snapshotted, the watchdog is disarmed', async () => {
    const w = fakeWorld();
    const fenced = new CcsnapError('CCSNAP_JOURNAL_LEASE_LOST', "journal: this process's lease ran out");
    w.deps.journal.markFreezeSent = () => Promise.reject(fenced);
    const err = await applyCreate(plan(), w.deps).catch((e: unknown) => e);
    expect(err).toBe(fenced);
    expect(w.events.filter((e) => /^(freez|create|thaw)/.test(e))).toEqual([]);
    expect(w.hv.frozen).toBe(false);
    expect(w.events).toContain('disarm');
    expect(w.watchdog.armed.size).toBe(0);
  });

  it('thaws after an array error and deletes the members already created', async () => {
    const w = fakeWorld();
    w.arrayFaults.createFails = (fsId) => (fsId === 'fs2' ? new CcsnapError('CCSNAP_ARRAY_INTERNAL', 'boom') : undefined);
    const result = await applyCreate(plan(), w.deps);
    expect(result.state).toBe('failed');
    expect(result.error?.code).toBe('CCSNAP_ARRAY_INTERNAL');
    expect(w.hv.frozen).toBe(false);
    expect(w.snaps.get('fs1')).toEqual([]);
    expect(result.members.find((m) => m.volumeId === 'v-boot')!.state).toBe('deleted');
    expect((await w.journal.getSet('0123456789ab'))!.state).toBe('failed');
  });

  it('thaws when the array hangs past --max-freeze, with a fresh (not aborted) signal', async () => {
    const w = fakeWorld();
    w.arrayFaults.createDelayMs = 5_000;
    const result = await applyCreate(plan({ maxFreezeMs: 50 }), w.deps);
    expect(result.state).toBe('failed');
    expect(result.error?.code).toBe('CCSNAP_FREEZE_WINDOW_EXCEEDED');
    expect(w.events).toContain('thaw:instance-00000001');
    expect(w.events).not.toContain('thaw:instance-00000001:aborted-signal');
    expect(w.hv.frozen).toBe(false);
  });

  it('thaws even when looking up an array throws inside the window', async () => {
    const w = fakeWorld();
    const deps = {
      ...w.deps,
      array: (name: string) => {
        if (name === 'ec1') throw new CcsnapError('CCSNAP_CONFIG_NO_ARRAY', 'array ec1 is not configured');
        return w.deps.array(name);
      },
    };
    const result = await applyCreate(plan(), deps);
    expect(result.state).toBe('failed');
    expect(w.hv.frozen).toBe(false);
    expect(w.events).toContain('thaw:instance-00000001');
  });

  it('re-thaws when the first thaw fails', async () => {
    const w = fakeWorld();
    w.hv.failThaw = 1;
    const result = await applyCreate(plan(), w.deps);
    expect(result.state).toBe('complete');
    expect(result.thaw?.attempts).toBe(2);
    expect(w.events.filter((e) => e.startsWith('thaw:'))).toHaveLength(2);
    expect(w.hv.frozen).toBe(false);
  });

  it('keeps a set taken in the window but reports an unconfirmed thaw, handing the guest to the watchdog', async () => {
    const w = fakeWorld();
    w.hv.failThaw = Number.MAX_SAFE_INTEGER;
    const result = await applyCreate(plan(), w.deps);
    expect(result.state).toBe('complete');
    expect(result.error?.code).toBe('CCSNAP_THAW_UNCONFIRMED');
    expect(w.watchdog.armed.size).toBe(1);
    expect([...w.watchdog.handedOver]).toEqual([...w.watchdog.armed]);
    expect(w.events).not.toContain('disarm');
    expect(w.events.filter((e) => e.startsWith('thaw:')).length).toBeGreaterThan(1);
  });

  it('snapshots nothing when a required freeze fails, and still thaws', async () => {
    const w = fakeWorld();
    w.hv.failFreeze = new CcsnapError('CCSNAP_HV_AGENT_TIMEOUT', 'Guest agent is not responding');
    const result = await applyCreate(plan(), w.deps);
    expect(result.state).toBe('failed');
    expect(result.error?.code).toBe('CCSNAP_FREEZE_FAILED');
    expect(w.events.filter((e) => e.startsWith('create:'))).toEqual([]);
    expect(w.events).toContain('thaw:instance-00000001');
  });

  it('takes a crash-consistent set when a best-effort freeze fails', async () => {
    const w = fakeWorld();
    w.hv.failFreeze = new CcsnapError('CCSNAP_HV_AGENT_NOT_CONNECTED', 'agent is not connected');
    const result = await applyCreate(plan({ freeze: 'best-effort' }), w.deps);
    expect(result.state).toBe('complete');
    expect(result.consistency).toBe('crash-consistent');
    expect(result.reason).toMatch(/not connected/);
  });

  it('thaws and discards the set when the user interrupts inside the window', async () => {
    const w = fakeWorld();
    w.arrayFaults.createDelayMs = 5_000;
    const ac = new AbortController();
    // Interrupt once the first snapshot request is under way, i.e. inside the frozen window.
    w.arrayFaults.onCreate = () => ac.abort();
    const result = await applyCreate(plan({ maxFreezeMs: 10_000 }), { ...w.deps, signal: ac.signal });
    expect(w.events.some((e) => e.endsWith(':frozen') && e.startsWith('create:'))).toBe(true);
    expect(result.state).toBe('failed');
    expect(w.hv.frozen).toBe(false);
    expect(w.events).not.toContain('thaw:instance-00000001:aborted-signal');
  });

  it('refuses a second operation on the same instance', async () => {
    const w = fakeWorld();
    w.arrayFaults.createDelayMs = 100;
    const first = applyCreate(plan(), w.deps);
    await expect(applyCreate(plan({ setId: 'ba9876543210' }), w.deps)).rejects.toMatchObject({ code: 'CCSNAP_LOCKED' });
    expect((await first).state).toBe('complete');
    expect(w.events.filter((e) => e.startsWith('freeze:'))).toHaveLength(1);
  });
});

describe('applyCreate: the window counts from the freeze request, and the set tells who thawed', () => {
  it('tells the watchdog the freeze is being sent (deadline = sent + max-freeze + lag) before the freeze goes out', async () => {
    const w = fakeWorld();
    const before = Date.now();
    const result = await applyCreate(plan({ maxFreezeMs: 500 }), w.deps);
    const after = Date.now();
    expect(result.state).toBe('complete');
    expect(w.events.slice(0, 3)).toEqual(['arm', 'freezing', 'freeze:instance-00000001']);
    const deadline = [...w.watchdog.deadlines.values()][0]!;
    expect(deadline).toBeGreaterThanOrEqual(before + 500 + WATCHDOG_LAG_MS);
    expect(deadline).toBeLessThanOrEqual(after + 500 + WATCHDOG_LAG_MS);
    expect(result.thawedBy).toBe('ccsnap');
    expect(result.frozenMs).toBeGreaterThanOrEqual(0);
    expect((await w.journal.getSet(result.setId))?.thawedBy).toBe('ccsnap');
    expect(await w.journal.listThawPending()).toEqual([]);
  });

  it('a freeze that has not answered by the deadline may still land: it is thawed after it lands, nothing is snapshotted', async () => {
    const w = fakeWorld();
    w.hv.freezeDelayMs = 300;
    const result = await applyCreate(plan({ maxFreezeMs: 50 }), w.deps);
    expect(result.state).toBe('failed');
    expect(result.error?.code).toBe('CCSNAP_FREEZE_WINDOW_EXCEEDED');
    expect(w.events.filter((e) => e.startsWith('create:'))).toEqual([]);
    // the freeze landed (late), and the thaw came after it: the guest is not left frozen
    expect(w.events.indexOf('frozen')).toBeGreaterThan(-1);
    expect(w.hv.frozen).toBe(false);
    expect(result.thaw?.verified).toBe(true);
    expect(result.thaw?.thawedFilesystems).toBe(1);
  });

  it('a freeze that never reached the agent needs no thaw', async () => {
    const w = fakeWorld();
    w.hv.failFreeze = new CcsnapError('CCSNAP_HV_AGENT_NOT_CONNECTED', 'agent is not connected');
    const result = await applyCreate(plan(), w.deps);
    expect(result.error?.code).toBe('CCSNAP_FREEZE_FAILED');
    expect(w.events.filter((e) => e.startsWith('thaw:'))).toEqual([]);
    expect(await w.journal.listThawPending()).toEqual([]);
  });

  it('the watchdog thawed before every member answered: the set is discarded, and says the watchdog thawed it', async () => {
    const w = fakeWorld();
    w.arrayFaults.createDelayMs = 200;
    // play the watchdog: it thaws the guest while the array is still working
    setTimeout(() => {
      const at = Date.now();
      w.hv.frozen = false;
      w.watchdog.thaw = { why: 'deadline passed', firedAt: at, thawSentAt: at, thawedAt: at + 1, thawedFilesystems: 1, verified: true };
    }, 50);
    const result = await applyCreate(plan({ maxFreezeMs: 5_000 }), w.deps);
    expect(result.state).toBe('failed');
    expect(result.error?.code).toBe('CCSNAP_FREEZE_WINDOW_EXCEEDED');
    expect(result.thawedBy).toBe('watchdog');
    expect(result.frozenMs).toBeGreaterThan(0);
    expect(result.frozenMs).toBeLessThan(200);
    expect((await w.journal.getSet(result.setId))?.thawedBy).toBe('watchdog');
  });

  it('an unconfirmed thaw stays pending in the journal for recover', async () => {
    const w = fakeWorld();
    w.hv.failThaw = Number.MAX_SAFE_INTEGER;
    const result = await applyCreate(plan(), w.deps);
    expect(result.error?.code).toBe('CCSNAP_THAW_UNCONFIRMED');
    expect((await w.journal.listThawPending()).map((o) => o.id)).toEqual([result.opId]);
  });
});

/** Window priority as the engine sees it: a fake gate that logs its calls into the world's events. */
function gated(w: ReturnType<typeof fakeWorld>, opts: { refuse?: Error; holdBulk?: boolean } = {}) {
  let releaseBulk = (): void => undefined;
  const held = new Promise<void>((r) => (releaseBulk = r));
  let bulkCalled = (): void => undefined;
  const bulkReached = new Promise<void>((r) => (bulkCalled = r));
  const freezeSentAtTurn: boolean[] = [];
  const deps: CreateDeps = {
    ...w.deps,
    phases: {
      window: async () => {
        w.events.push('window');
        // The journal already says the freeze may be sent: recover would check this guest.
        freezeSentAtTurn.push((await w.journal.listThawPending()).length === 1);
        if (opts.refuse) throw opts.refuse;
      },
      opened: () => void w.events.push('opened'),
      bulk: async () => {
        w.events.push('bulk');
        bulkCalled();
        if (opts.holdBulk) await held;
      },
    },
  };
  return { deps, releaseBulk, bulkReached, freezeSentAtTurn };
}

describe('applyCreate: window priority (the window gate)', () => {
  it('takes its turn after journaling the freeze, lets the next window in once its array calls are out, and waits only after the thaw', async () => {
    const w = fakeWorld();
    const g = gated(w);
    const result = await applyCreate(plan(), g.deps);
    expect(result.state).toBe('complete');
    expect(g.freezeSentAtTurn).toEqual([true]);
    const at = (e: string) => w.events.indexOf(e);
    expect(at('arm')).toBeLessThan(at('window'));
    expect(at('window')).toBeLessThan(at('freezing'));
    expect(at('freezing')).toBeLessThan(at('freeze:instance-00000001'));
    expect(at('opened')).toBeGreaterThan(Math.max(at('create:fs1:frozen'), at('create:fs2:frozen')));
    expect(at('opened')).toBeLessThan(at('thaw:instance-00000001'));
    expect(w.events.slice(at('thaw:instance-00000001'))).toEqual(['thaw:instance-00000001', 'status', 'bulk', 'disarm', 'list:fs1', 'list:fs2']);
  });

  it('never holds a thaw for the gate: the guest is thawed and verified before the work after the window waits', async () => {
    const w = fakeWorld();
    const g = gated(w, { holdBulk: true });
    const running = applyCreate(plan(), g.deps);
    await g.bulkReached;
    expect(w.hv.frozen).toBe(false);
    expect(w.events).toContain('thaw:instance-00000001');
    expect(w.events).not.toContain('disarm');
    g.releaseBulk();
    expect((await running).state).toBe('complete');
  });

  it('hands an unconfirmed thaw to the watchdog before waiting for the gate', async () => {
    const w = fakeWorld();
    w.hv.failThaw = Number.MAX_SAFE_INTEGER;
    const g = gated(w, { holdBulk: true });
    const running = applyCreate(plan(), g.deps);
    await g.bulkReached;
    expect([...w.watchdog.handedOver]).toHaveLength(1);
    expect(w.events.indexOf('hand-over')).toBeLessThan(w.events.indexOf('bulk'));
    g.releaseBulk();
    const result = await running;
    expect(result.error?.code).toBe('CCSNAP_THAW_UNCONFIRMED');
    expect(result.steps.map((s) => s.name)).toEqual(['arm-watchdog', 'freeze', 'snapshot', 'thaw', 'hand-over-to-watchdog', 'lookup-paths']);
  });

  it('lets the next window in when the freeze fails', async () => {
    const w = fakeWorld();
    w.hv.failFreeze = new CcsnapError('CCSNAP_HV_AGENT_TIMEOUT', 'Guest agent is not responding');
    const g = gated(w);
    await applyCreate(plan(), g.deps);
    expect(w.events.indexOf('opened')).toBeGreaterThan(w.events.indexOf('freeze:instance-00000001'));
  });

  it('sends no freeze when its turn is refused (a drain), and takes no crash-consistent set instead', async () => {
    const w = fakeWorld();
    const g = gated(w, { refuse: new CcsnapError('CCSNAP_INTERRUPTED', 'stopping: no new freeze is started (web-1 was not frozen)') });
    const result = await applyCreate(plan({ freeze: 'best-effort' }), g.deps);
    expect(result.state).toBe('failed');
    expect(result.error).toEqual({ code: 'CCSNAP_INTERRUPTED', message: 'stopping: no new freeze is started (web-1 was not frozen); nothing was snapshotted' });
    expect(w.events.filter((e) => /^(freez|create|thaw)/.test(e))).toEqual([]);
    expect(w.snaps.size).toBe(0);
    expect((await w.journal.getSet('0123456789ab'))!.state).toBe('failed');
    // Nothing was frozen: the operation needs no thaw check from recover.
    expect(await w.journal.listThawPending()).toEqual([]);
  });
});

describe('planCreate', () => {
  it('skips non-array volumes with the reason and names members by set', () => {
    const p = plan();
    expect(p.members.map((m) => m.volumeId)).toEqual(['v-boot', 'v-data']);
    expect(p.skipped).toEqual([{ volumeId: 'v-lvm', reason: 'volume type lvm does not match the volume rule' }]);
  });
  it('takes only the boot volume with --boot-only', () => {
    expect(plan({ bootOnly: true }).members.map((m) => m.volumeId)).toEqual(['v-boot']);
  });
  it('refuses when the agent does not answer and the freeze is required', () => {
    expect(() =>
      planCreate(
        { ...facts, agent: { ok: false, code: 'CCSNAP_HV_AGENT_NOT_CONFIGURED', message: 'QEMU guest agent is not configured' } },
        { setId: '0123456789ab', now: new Date(), freeze: 'required', maxFreezeMs: 1 },
      ),
    ).toThrow(/nothing was snapshotted/);
  });
  it('plans an offline set for a shut-off instance', () => {
    const p = planCreate(
      { ...facts, instance: { ...facts.instance, status: 'SHUTOFF' } },
      { setId: '0123456789ab', now: new Date(), freeze: 'required', maxFreezeMs: 1 },
    );
    expect(p.freeze.willFreeze).toBe(false);
    expect(p.expectedConsistency).toBe('offline');
  });
  it('plans a volume another instance shares as crash-consistent at best, and still freezes the guest', () => {
    const volumes = facts.volumes.map((v) => (v.id === 'v-data' ? { ...v, sharedWith: ['i-2'] } : v));
    const p = planCreate({ ...facts, volumes }, { setId: '0123456789ab', now: new Date(), freeze: 'required', maxFreezeMs: 1 });
    expect(p.freeze.willFreeze).toBe(true);
    expect(p.expectedConsistency).toBe('crash-consistent');
    expect(p.sharedReason).toBe('volume v-data is also attached to instance i-2, which is not frozen: crash-consistent at best');
    // Shut off, the instance's own disks are quiet, but not the shared one.
    const off = planCreate(
      { ...facts, volumes, instance: { ...facts.instance, status: 'SHUTOFF' } },
      { setId: '0123456789ab', now: new Date(), freeze: 'required', maxFreezeMs: 1 },
    );
    expect(off.expectedConsistency).toBe('crash-consistent');
    // Without the second attachment, the same plan is filesystem-consistent.
    expect(planCreate(facts, { setId: '0123456789ab', now: new Date(), freeze: 'required', maxFreezeMs: 1 }).expectedConsistency).toBe('filesystem-consistent');
  });
  it('refuses an instance in ERROR', () => {
    expect(() =>
      planCreate(
        { ...facts, instance: { ...facts.instance, status: 'ERROR' } },
        { setId: '0123456789ab', now: new Date(), freeze: 'required', maxFreezeMs: 1 },
      ),
    ).toThrow(expect.objectContaining({ code: 'CCSNAP_INSTANCE_STATE' }));
  });
});
