import { describe, expect, it } from 'vitest';
import { Lease, type LeaseClocks } from '../../../src/journal/postgres/lease.js';

/**
 * The fence of a PostgreSQL journal's owner (lease.ts), with clocks the test moves: a write goes out only
 * while the lease is known to run for half its length more; past that it renews first; once the server
 * refuses a renewal, nothing is written again, and nothing renews the lease.
 */
const MS = 30_000;

function setup(answers: Array<boolean | Error>) {
  const now = { mono: 1_000, wall: 1_700_000_000_000 };
  const clocks: LeaseClocks = { mono: () => now.mono, wall: () => now.wall };
  const sentAt: number[] = [];
  const renew = async (): Promise<boolean> => {
    sentAt.push(now.mono);
    const answer = answers.shift();
    if (answer === undefined) throw new Error('no more answers');
    if (answer instanceof Error) throw answer;
    return answer;
  };
  const lease = new Lease(renew, MS, 'owner-1', clocks);
  lease.started(lease.stamp());
  const pass = (ms: number, wallMs = ms): void => {
    now.mono += ms;
    now.wall += wallMs;
  };
  return { lease, sentAt, pass };
}

const codeOf = (p: Promise<unknown>): Promise<unknown> =>
  p.then(
    () => 'ok',
    (e: { code?: string }) => e.code ?? e,
  );

describe('the lease of a journal owner', () => {
  it('writes without a renewal while half the lease is left, and renews first past that', async () => {
    const { lease, sentAt, pass } = setup([true]);
    pass(MS / 2 - 1);
    await lease.ensure();
    expect(sentAt).toEqual([]);
    pass(1);
    await lease.ensure();
    expect(sentAt).toHaveLength(1);
    // The renewal counts from when it was sent: the next half lease needs none.
    pass(MS / 2 - 1);
    await lease.ensure();
    expect(sentAt).toHaveLength(1);
  });

  it('a refused renewal fences for good: every write is refused, and nothing renews again', async () => {
    const { lease, sentAt, pass } = setup([false, true]);
    pass(MS);
    expect(await codeOf(lease.ensure())).toBe('CCSNAP_JOURNAL_LEASE_LOST');
    expect(lease.fenced).toBe(true);
    await lease.beat();
    expect(await codeOf(lease.ensure())).toBe('CCSNAP_JOURNAL_LEASE_LOST');
    expect(sentAt).toHaveLength(1);
    const err = await lease.ensure().catch((e: unknown) => e);
    expect(err).toMatchObject({ details: { ownerId: 'owner-1', leaseMs: MS } });
    expect((err as Error).message).toMatch(/lease ran out.*writes nothing more/);
  });

  it('the heartbeat fences too, before any write, and tells who listens once', async () => {
    const { lease, pass } = setup([true, false]);
    const heard: string[] = [];
    lease.onLost((err) => heard.push(err.code));
    const off = lease.onLost(() => heard.push('removed'));
    off();
    pass(MS / 3);
    await lease.beat();
    expect(heard).toEqual([]);
    await lease.beat();
    expect(heard).toEqual(['CCSNAP_JOURNAL_LEASE_LOST']);
    expect(await codeOf(lease.ensure())).toBe('CCSNAP_JOURNAL_LEASE_LOST');
    // A listener that comes after the loss hears of it at once.
    lease.onLost((err) => heard.push(`late ${err.code}`));
    expect(heard).toEqual(['CCSNAP_JOURNAL_LEASE_LOST', 'late CCSNAP_JOURNAL_LEASE_LOST']);
  });

  it('a renewal that fails (server away) fails the write but does not fence: the next write tries again', async () => {
    const { lease, sentAt, pass } = setup([new Error('ECONNREFUSED'), true]);
    pass(MS / 2);
    expect(await codeOf(lease.ensure())).toEqual(new Error('ECONNREFUSED'));
    expect(lease.fenced).toBe(false);
    await lease.ensure();
    expect(sentAt).toHaveLength(2);
  });

  it('a machine asleep (the wall clock moved, the monotonic one did not) renews first', async () => {
    const { lease, sentAt, pass } = setup([false]);
    pass(0, 3_600_000);
    expect(await codeOf(lease.ensure())).toBe('CCSNAP_JOURNAL_LEASE_LOST');
    expect(sentAt).toHaveLength(1);
  });

  it('a wall clock set back does not stretch the lease', async () => {
    const { lease, sentAt, pass } = setup([true]);
    pass(MS / 2, -3_600_000);
    await lease.ensure();
    expect(sentAt).toHaveLength(1);
  });

  it('a renewal answered only after a long stop leaves the margin gone: the write renews again, and is refused', async () => {
    const now = { mono: 0, wall: 0 };
    const clocks: LeaseClocks = { mono: () => now.mono, wall: () => now.wall };
    const answers: Array<(ok: boolean) => void> = [];
    const lease = new Lease(() => new Promise<boolean>((resolve) => answers.push(resolve)), MS, 'owner-1', clocks);
    lease.started(lease.stamp());
    now.mono = now.wall = MS / 2;
    const write = codeOf(lease.ensure());
    await Promise.resolve();
    expect(answers).toHaveLength(1);
    // The process stops before it reads the server's yes; it runs again two leases later.
    now.mono = now.wall = MS / 2 + 2 * MS;
    answers[0]!(true);
    await new Promise((resolve) => setImmediate(resolve));
    expect(answers).toHaveLength(2);
    answers[1]!(false);
    expect(await write).toBe('CCSNAP_JOURNAL_LEASE_LOST');
  });

  it('renewals that each come back too late for the margin: the write gives up, unsent, without fencing', async () => {
    const now = { mono: 0, wall: 0 };
    const clocks: LeaseClocks = { mono: () => now.mono, wall: () => now.wall };
    let renewals = 0;
    const renew = async (): Promise<boolean> => {
      renewals++;
      now.mono = now.wall = now.mono + MS;
      return true;
    };
    const lease = new Lease(renew, MS, 'owner-1', clocks);
    lease.started(lease.stamp());
    now.mono = now.wall = MS;
    const err = await lease.ensure().catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'CCSNAP_JOURNAL_UNAVAILABLE' });
    expect(renewals).toBe(3);
    expect(lease.fenced).toBe(false);
  });

  it('a listener that throws does not keep the others from hearing, nor the fence from holding', async () => {
    const { lease, pass } = setup([false]);
    const heard: string[] = [];
    lease.onLost(() => {
      throw new Error('listener bug');
    });
    lease.onLost((err) => heard.push(err.code));
    pass(MS);
    expect(await codeOf(lease.ensure())).toBe('CCSNAP_JOURNAL_LEASE_LOST');
    expect(heard).toEqual(['CCSNAP_JOURNAL_LEASE_LOST']);
  });

  it('writes that find the margin gone together share one renewal', async () => {
    const { lease, sentAt, pass } = setup([true]);
    pass(MS);
    await Promise.all([lease.ensure(), lease.ensure(), lease.beat()]);
    expect(sentAt).toHaveLength(1);
  });
});
