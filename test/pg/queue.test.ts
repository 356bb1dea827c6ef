import PgBoss from 'pg-boss';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { BOSS_SCHEMA, startFleetQueue } from '../../src/fleet/queue.js';
import { socketUrl } from '../helpers/postgres.js';
import { createDatabase, dropDatabases } from './databases.js';

const info = inject('pg');
const WORKERS = 8;

/** The workers' job queue (pg-boss) on the suite's cluster. */
describe('the fleet job queue', () => {
  const databases: string[] = [];
  afterAll(() => dropDatabases(info, databases));

  async function freshUrl(): Promise<string> {
    const database = await createDatabase(info, 'ccsnap_queue');
    databases.push(database);
    return socketUrl(info, database);
  }

  async function startAtOnce(url: string): Promise<string[]> {
    const started = await Promise.allSettled(
      Array.from({ length: WORKERS }, () => startFleetQueue({ url, jobLeaseSeconds: 30, maintenanceSeconds: 30, pollSeconds: 1 })),
    );
    await Promise.all(started.flatMap((s) => (s.status === 'fulfilled' ? [s.value.stop()] : [])));
    return started.flatMap((s) => (s.status === 'rejected' ? [String(s.reason)] : []));
  }

  it('starts in many workers at once on a new database: none of them fails', async () => {
    expect(await startAtOnce(await freshUrl())).toEqual([]);
  });

  it("starts in many workers at once where pg-boss is installed but ccsnap's queue is not yet: none of them fails", async () => {
    // pg-boss's create_queue attaches a partition with a foreign key to its queue table, and takes no lock
    // first: two at once deadlock when the second's insert waits for the first's. Several rounds, as it is a race.
    for (let round = 0; round < 3; round++) {
      const url = await freshUrl();
      const boss = new PgBoss({ connectionString: url, schema: BOSS_SCHEMA, max: 1, schedule: false, supervise: false });
      await boss.start();
      await boss.stop({ graceful: false, wait: true });
      expect(await startAtOnce(url)).toEqual([]);
    }
  });
});
