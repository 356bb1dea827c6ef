import { describe, expect, it } from 'vitest';
import type { OccurrenceRecord } from '../../../src/journal/types.js';
import { scheduleStatus } from '../../../src/ops/policy-run/status.js';
import { parsePolicies } from '../../../src/policy/parse.js';

const NOW = new Date('2026-05-01T10:20:00Z');
const [HOURLY] = parsePolicies(
  [{ name: 'hourly', instances: { names: ['web-*'] }, schedule: '0 * * * *', retention: { keep_last: 3 }, spread: '10m' }],
  { freeze: 'required', maxFreezeMs: 10_000, perHost: 2, concurrency: 8 },
  NOW,
);

function rec(scheduledAt: string, state: OccurrenceRecord['state']): OccurrenceRecord {
  return {
    policy: 'hourly',
    occurrence: `hourly@${scheduledAt.replace('.000', '')}`,
    scheduledAt,
    state,
    reason: null,
    pid: null,
    hostname: null,
    ownerId: null,
    ownerAlive: null,
    recordedAt: scheduledAt,
    startedAt: null,
    finishedAt: null,
    result: null,
  };
}

describe("a policy's schedule status (for a status page)", () => {
  it('the previous and next occurrence, the last run, and the newest occurrence whose window has closed', () => {
    const s = scheduleStatus(HOURLY!, [rec('2026-05-01T10:00:00.000Z', 'done'), rec('2026-05-01T09:00:00.000Z', 'done')], NOW);
    expect(s).toMatchObject({
      name: 'hourly',
      schedule: '0 * * * *',
      timezone: 'UTC',
      previousOccurrence: '2026-05-01T10:00:00.000Z',
      nextOccurrence: '2026-05-01T11:00:00.000Z',
      // 10:00's window (10 min spread + 15 min grace) is still open at 10:20: 09:00 is the last one due.
      lastDueOccurrence: '2026-05-01T09:00:00.000Z',
      lastRun: { occurrence: 'hourly@2026-05-01T10:00:00Z', state: 'done' },
    });
    expect(scheduleStatus(HOURLY!, [rec('2026-05-01T09:00:00.000Z', 'done')], new Date('2026-05-01T10:25:00Z')).lastDueOccurrence).toBe(
      '2026-05-01T10:00:00.000Z',
    );
  });

  it('a policy that never ran is never late', () => {
    expect(scheduleStatus(HOURLY!, [], NOW)).toMatchObject({ lastDueOccurrence: null, lastRun: null });
    // Nor before its first recorded occurrence.
    expect(scheduleStatus(HOURLY!, [rec('2026-05-01T10:00:00.000Z', 'running')], NOW).lastDueOccurrence).toBeNull();
  });
});
