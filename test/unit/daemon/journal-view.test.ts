import { afterEach, describe, expect, it } from 'vitest';
import { createJournalView } from '../../../src/daemon/journal-view.js';
import type { PolicyDescriptor } from '../../../src/daemon/policy-source.js';
import type { CcsnapErrorCode } from '../../../src/errors.js';
import { openJournal, type Journal } from '../../../src/journal/index.js';

const NOW = new Date('2026-11-27T10:30:00.000Z');
const call = () => ({ signal: new AbortController().signal, now: NOW });
let journal: Journal;
afterEach(async () => journal?.close());

/** A create operation for `instance`, and its set created at `at`: complete (frozen `frozenMs`) or failed with `code`. */
async function record(
  j: Journal,
  n: number,
  instance: string,
  at: string,
  outcome: { frozenMs?: number; code?: CcsnapErrorCode; thawedBy?: string; policy?: string | null },
): Promise<void> {
  const policy = outcome.policy === undefined ? 'hourly' : outcome.policy;
  await j.insertOperation({ id: `op${n}`, kind: 'create', instanceId: instance, instanceName: `name-${instance}`, plan: {} });
  await j.insertSet({
    id: `set${n}`,
    instanceId: instance,
    instanceName: `name-${instance}`,
    label: null,
    createdAt: at,
    opId: `op${n}`,
    members: [{ volumeId: 'v', arrayName: 'ec1', fsId: 'f', snapshotName: `s${n}` }],
    ...(policy !== null ? { policy, occurrence: `${policy}@${at}` } : {}),
  });
  if (outcome.code) {
    await j.finishSet(`set${n}`, { state: 'failed', reason: 'boom' });
    await j.finishOperation(`op${n}`, { state: 'failed', errorCode: outcome.code, errorMessage: `failed ${n}` });
  } else {
    await j.finishSet(`set${n}`, {
      state: 'complete',
      consistency: 'filesystem-consistent',
      frozenMs: outcome.frozenMs ?? null,
      thawedBy: outcome.thawedBy ?? 'ccsnap',
    });
    await j.finishOperation(`op${n}`, { state: 'done' });
  }
}

const HOURLY: PolicyDescriptor = {
  name: 'hourly',
  schedule: '0 * * * *',
  timezone: 'UTC',
  previousOccurrence: '2026-11-27T10:00:00.000Z',
  nextOccurrence: '2026-11-27T11:00:00.000Z',
  lastDueOccurrence: '2026-11-27T10:00:00.000Z',
  lastRun: {
    occurrence: 'hourly@2026-11-27T10:00:00Z',
    scheduledAt: '2026-11-27T10:00:00.000Z',
    state: 'done',
    finishedAt: '2026-11-27T10:02:00.000Z',
    reason: null,
  },
  instances: [
    { id: 'i1', name: 'web-1' },
    { id: 'i2', name: 'db-1' },
    { id: 'i3', name: 'app-1' },
  ],
};

describe('the journal-backed view', () => {
  it('judges each instance of a policy from its newest complete set, with failures newer than it', async () => {
    journal = openJournal(':memory:');
    await record(journal, 1, 'i1', '2026-11-27T09:00:10.000Z', { frozenMs: 20 });
    await record(journal, 2, 'i1', '2026-11-27T10:00:05.000Z', { frozenMs: 30 });
    await record(journal, 3, 'i2', '2026-11-27T09:00:07.000Z', { frozenMs: 25 });
    await record(journal, 4, 'i2', '2026-11-27T10:00:09.000Z', { code: 'CCSNAP_ARRAY_TIMEOUT' });
    await record(journal, 5, 'i3', '2026-11-27T10:00:03.000Z', { code: 'CCSNAP_FREEZE_FAILED' });
    const view = createJournalView({ journal, policies: { list: async () => [HOURLY], trigger: async () => undefined } });
    const [p] = await view.policies(call());
    expect(p!.lastRun?.state).toBe('done');
    const byName = Object.fromEntries(p!.instances.map((i) => [i.instanceName, i]));
    expect(byName['web-1']).toMatchObject({ late: false, newestGoodSet: { setId: 'set2' }, ageSeconds: 1795, recentFailures: [] });
    expect(byName['db-1']).toMatchObject({ late: true, newestGoodSet: { setId: 'set3' }, ageSeconds: 5393 });
    expect(byName['db-1']!.recentFailures.map((f) => f.errorCode)).toEqual(['CCSNAP_ARRAY_TIMEOUT']);
    expect(byName['app-1']).toMatchObject({ late: true, newestGoodSet: null, ageSeconds: null });
    expect(byName['app-1']!.recentFailures.map((f) => [f.errorCode, f.message])).toEqual([['CCSNAP_FREEZE_FAILED', 'failed 5']]);
  });

  it('has no policies without a source, and reads sets, freeze windows, failures and thaws pending', async () => {
    journal = openJournal(':memory:');
    await record(journal, 1, 'i1', '2026-11-26T09:00:00.000Z', { frozenMs: 20 });
    await record(journal, 2, 'i1', '2026-11-27T09:00:00.000Z', { frozenMs: 12_000, thawedBy: 'watchdog' });
    await record(journal, 3, 'i2', '2026-11-27T09:30:00.000Z', { frozenMs: 40 });
    await record(journal, 4, 'i2', '2026-11-27T09:40:00.000Z', { code: 'CCSNAP_FREEZE_FAILED' });
    await journal.insertOperation({ id: 'op9', kind: 'create', instanceId: 'i3', instanceName: 'name-i3', plan: {} });
    await journal.markFreezeSent('op9', new Date());
    const view = createJournalView({ journal });
    expect(await view.policies(call())).toEqual([]);
    expect(await view.triggerPolicy('hourly', call())).toBeUndefined();
    expect((await view.sets({ limit: 10 }, call())).map((s) => s.setId)).toEqual(['set4', 'set3', 'set2', 'set1']);
    expect((await view.sets({ limit: 1 }, call())).map((s) => s.setId)).toEqual(['set4']);
    expect((await view.sets({ instance: 'i1', limit: 10 }, call())).map((s) => s.setId)).toEqual(['set2', 'set1']);
    expect((await view.sets({ instance: 'name-i2', limit: 10 }, call())).map((s) => s.setId)).toEqual(['set4', 'set3']);
    expect((await view.sets({ policy: 'hourly', limit: 10 }, call())).map((s) => [s.setId, s.policy])).toEqual([
      ['set4', 'hourly'],
      ['set3', 'hourly'],
      ['set2', 'hourly'],
      ['set1', 'hourly'],
    ]);
    expect(await view.sets({ policy: 'nightly', limit: 10 }, call())).toEqual([]);
    const windows = await view.freezeWindows('2026-11-27T00:00:00.000Z', call());
    expect(windows.map((w) => [w.setId, w.frozenMs, w.thawedBy])).toEqual([
      ['set2', 12_000, 'watchdog'],
      ['set3', 40, 'ccsnap'],
    ]);
    expect((await view.failures({ limit: 5 }, call())).map((f) => [f.instanceId, f.errorCode])).toEqual([['i2', 'CCSNAP_FREEZE_FAILED']]);
    expect(await view.guestsFrozen(call())).toBe(1);
    await journal.markThawConfirmed('op9', 'ccsnap');
    expect(await view.guestsFrozen(call())).toBe(0);
  });

  it("with attribution 'policy', counts only the sets a policy made: a manual set or another policy's does not make an instance on time", async () => {
    journal = openJournal(':memory:');
    await record(journal, 1, 'i1', '2026-11-27T10:00:05.000Z', { frozenMs: 20, policy: null });
    await record(journal, 2, 'i2', '2026-11-27T10:00:05.000Z', { frozenMs: 20, policy: 'nightly' });
    await record(journal, 3, 'i3', '2026-11-27T09:00:05.000Z', { frozenMs: 20 });
    await record(journal, 4, 'i3', '2026-11-27T10:10:00.000Z', { frozenMs: 20, policy: null });
    const source = { list: async () => [HOURLY], trigger: async () => undefined };
    const strict = createJournalView({ journal, policies: source, attribution: 'policy' });
    const [p] = await strict.policies(call());
    expect(p!.instances.map((i) => [i.instanceName, i.late, i.newestGoodSet?.setId ?? null])).toEqual([
      ['web-1', true, null],
      ['db-1', true, null],
      ['app-1', true, 'set3'],
    ]);
    // By default any complete set of the instance is its recovery point, whoever made it.
    const [q] = await createJournalView({ journal, policies: source }).policies(call());
    expect(q!.instances.map((i) => [i.instanceName, i.late, i.newestGoodSet?.setId ?? null])).toEqual([
      ['web-1', false, 'set1'],
      ['db-1', false, 'set2'],
      ['app-1', false, 'set4'],
    ]);
    const view = strict;
    expect((await view.sets({ instance: 'i3', policy: 'hourly', limit: 10 }, call())).map((s) => s.setId)).toEqual(['set3']);
  });
});
