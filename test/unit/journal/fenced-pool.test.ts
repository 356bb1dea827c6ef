import { describe, expect, it } from 'vitest';
import { fencedPool } from '../../../src/journal/postgres/fenced-pool.js';
import { Lease, type LeaseClocks } from '../../../src/journal/postgres/lease.js';
import type { Pool } from '../../../src/journal/postgres/pool.js';

/**
 * The journal's writes take their connection through the fenced pool: the lease is checked again once the
 * connection is in hand, since waiting for one (every connection busy) can outlast half a lease.
 */
const MS = 30_000;

function setup(renewals: boolean[]) {
  const now = { mono: 0, wall: 0 };
  const clocks: LeaseClocks = { mono: () => now.mono, wall: () => now.wall };
  const sent: number[] = [];
  const lease = new Lease(
    async () => {
      sent.push(now.mono);
      return renewals.shift() ?? false;
    },
    MS,
    'owner-1',
    clocks,
  );
  lease.started(lease.stamp());
  const released: boolean[] = [];
  const queries: string[] = [];
  let waitMs = 0;
  const client = {
    query: async (text: string) => {
      queries.push(text);
      if (text === 'BREAK') throw Object.assign(new Error('connection terminated'), { code: 'ECONNRESET' });
      return { rows: [{ text }] };
    },
    release: (broken?: boolean) => void released.push(broken === true),
  };
  const pool = {
    connect: async () => {
      // Every connection busy: the wait lasts `waitMs` (once).
      now.mono += waitMs;
      now.wall += waitMs;
      waitMs = 0;
      return client;
    },
  } as unknown as Pool;
  return { fenced: fencedPool(pool, lease), sent, released, queries, waitFor: (ms: number) => (waitMs = ms) };
}

describe('the fenced pool of the journal’s writes', () => {
  it('a statement goes out at once while the lease is fresh, and its connection goes back', async () => {
    const { fenced, sent, released, queries } = setup([]);
    expect(await fenced.query('UPDATE x')).toEqual({ rows: [{ text: 'UPDATE x' }] });
    expect(queries).toEqual(['UPDATE x']);
    expect(sent).toEqual([]);
    expect(released).toEqual([false]);
  });

  it('a wait for a connection that outlasts half the lease: the connection goes back, the lease is renewed, then the statement goes', async () => {
    const { fenced, sent, released, queries, waitFor } = setup([true]);
    waitFor(MS / 2 + 1);
    await fenced.query('UPDATE x');
    expect(sent).toEqual([MS / 2 + 1]);
    expect(released).toEqual([false, false]);
    expect(queries).toEqual(['UPDATE x']);
  });

  it('…and when the server refuses the renewal, nothing goes out', async () => {
    const { fenced, released, queries, waitFor } = setup([false]);
    waitFor(2 * MS);
    const err = await fenced.query('UPDATE x').catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'CCSNAP_JOURNAL_LEASE_LOST' });
    expect(queries).toEqual([]);
    expect(released).toEqual([false]);
  });

  it('a transaction’s connection is checked the same way; a broken connection is dropped', async () => {
    const { fenced, released, waitFor, sent } = setup([true]);
    waitFor(MS);
    const client = await fenced.connect();
    expect(sent).toHaveLength(1);
    client.release();
    await expect(fenced.query('BREAK')).rejects.toThrow('connection terminated');
    expect(released).toEqual([false, false, true]);
  });
});
