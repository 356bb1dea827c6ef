import { describe, expect, it } from 'vitest';
import type { OccurrenceRecord } from '../../../src/journal/types.js';
import { normalizeServer } from '../../../src/openstack/server-model.js';
import { parsePolicies } from '../../../src/policy/parse.js';
import { describePolicy, formatLocal, summarizePolicy, webhookText } from '../../../src/policy/view.js';

const NOW = new Date('2026-10-24T23:30:00Z'); // 01:30 CEST, the night Berlin falls back
const [POLICY] = parsePolicies(
  [
    {
      name: 'hourly-web',
      instances: { names: ['web-*'] },
      schedule: '0 * * * *',
      timezone: 'Europe/Berlin',
      retention: { keep_last: 1, daily: 2 },
      spread: '10m',
      create: { boot_only: true },
      notify: { webhook: 'https://hooks.example.test/T0/secret?x=1', on: ['failure'] },
    },
  ],
  { freeze: 'required', maxFreezeMs: 10_000, perHost: 2, concurrency: 8 },
  NOW,
);

const occurrence = (iso: string, state: OccurrenceRecord['state']): OccurrenceRecord => ({
  policy: 'hourly-web',
  occurrence: `hourly-web@${iso}`,
  scheduledAt: iso,
  state,
  reason: state === 'missed' ? 'its window passed' : null,
  pid: null,
  hostname: null,
  ownerId: null,
  ownerAlive: null,
  recordedAt: iso,
  startedAt: null,
  finishedAt: null,
  result: null,
});

describe('policy views', () => {
  it('write instants in the policy zone with their offset', () => {
    expect(formatLocal(new Date('2026-10-25T00:00:00Z'), 'Europe/Berlin')).toBe('2026-10-25T02:00:00+02:00');
    expect(formatLocal(new Date('2026-10-25T01:00:00Z'), 'Europe/Berlin')).toBe('2026-10-25T02:00:00+01:00');
    expect(formatLocal(new Date('2026-10-25T01:00:00Z'), 'UTC')).toBe('2026-10-25T01:00:00+00:00');
  });

  it('show only the scheme and host of a webhook', () => {
    expect(webhookText('https://hooks.example.test/T0/secret?x=1')).toBe('https://hooks.example.test/…');
  });

  it('summarize a policy for `policy list`', () => {
    expect(summarizePolicy(POLICY!, occurrence('2026-10-24T23:00:00Z', 'done'), NOW)).toEqual({
      name: 'hourly-web',
      schedule: '0 * * * *',
      timezone: 'Europe/Berlin',
      next: '2026-10-25T02:00:00+02:00',
      lastOccurrence: '2026-10-25T01:00:00+02:00',
      lastState: 'done',
      missed: 'run-once',
      spread: '10m',
      retention: 'keep_last 1, daily 2',
      instances: 'names web-*',
    });
  });

  it('describe a policy for `policy show`: occurrences across the fall-back, matched instances, decisions', () => {
    const d = describePolicy({
      policy: POLICY!,
      now: NOW,
      nextCount: 3,
      servers: [
        { id: 'i1', name: 'web-1', projectId: 'p' },
        { id: 'i2', name: 'db-1', projectId: 'p' },
      ],
      occurrences: [occurrence('2026-10-24T23:00:00Z', 'done'), occurrence('2026-10-24T22:00:00Z', 'missed')],
      sets: [
        { id: 'a', instanceId: 'i1', policy: 'hourly-web', createdAt: '2026-10-23T10:00:00Z', state: 'complete', hasClones: false },
        { id: 'b', instanceId: 'i1', policy: 'hourly-web', createdAt: '2026-10-24T10:00:00Z', state: 'complete', hasClones: false },
        { id: 'c', instanceId: 'i1', policy: 'hourly-web', createdAt: '2026-10-24T11:00:00Z', state: 'complete', hasClones: false },
        { id: 'x', instanceId: 'i2', policy: 'hourly-web', createdAt: '2026-10-24T11:00:00Z', state: 'complete', hasClones: false },
      ],
    });
    expect(d.nextOccurrences).toEqual(['2026-10-25T02:00:00+02:00', '2026-10-25T02:00:00+01:00', '2026-10-25T03:00:00+01:00']);
    expect(d.recentOccurrences.map((o) => [o.scheduled, o.state, o.reason])).toEqual([
      ['2026-10-25T01:00:00+02:00', 'done', null],
      ['2026-10-25T00:00:00+02:00', 'missed', 'its window passed'],
    ]);
    expect(d.matchedInstances).toEqual([{ id: 'i1', name: 'web-1', projectId: 'p' }]);
    // db-1 no longer matches: its set is not decided (never pruned by a policy it left).
    expect(d.retentionDecisions.map((r) => [r.setId, r.action, r.keptBy.join('; ')])).toEqual([
      ['c', 'keep', 'keep-last 1/1; daily 1/2 (2026-10-24); newest complete set of the instance'],
      ['b', 'prune', ''],
      ['a', 'keep', 'daily 2/2 (2026-10-23)'],
    ]);
    expect([d.keep, d.prune]).toEqual([2, 1]);
    expect(d.create).toBe('freeze required, max_freeze 10s, per_host 2, concurrency 8, boot_only');
    expect(d.notify).toBe('https://hooks.example.test/… on failure');
  });
});

describe('Nova server metadata', () => {
  it('is read with string values only, and absent when the body has none', () => {
    expect(normalizeServer({ id: 'i', name: 'n', metadata: { a: 'x', b: 3, c: null } }).metadata).toEqual({ a: 'x' });
    expect(normalizeServer({ id: 'i', name: 'n' }).metadata).toBeUndefined();
  });
});
