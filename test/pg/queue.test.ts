import PgBoss from 'pg-boss';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { instanceJobId } from '../../src/fleet/job-id.js';
import { BOSS_SCHEMA, startFleetQueue, type InstanceJobData } from '../../src/fleet/queue.js';
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

  it('a poller that served a job asks for the next at once: one poller with a one-minute interval serves three queued jobs', async () => {
    const queue = await startFleetQueue({ url: await freshUrl(), jobLeaseSeconds: 30, maintenanceSeconds: 30, pollSeconds: 60 });
    try {
      const ids = [1, 2, 3].map((n) => instanceJobId('p', `i${n}`, 'p@adhoc'));
      const past = new Date(Date.now() - 60_000);
      await queue.enqueue(ids.map((id, n) => ({ id, data: jobData(`i${n + 1}`), startAfter: past })));
      const served: string[] = [];
      // The event is the third job served; before, the second waited out the interval (60 s), past this test's bound.
      await new Promise<void>((resolve) => {
        void queue.work(1, async (data) => {
          served.push(data.instanceId);
          if (served.length === 3) resolve();
        });
      });
      expect(served.sort()).toEqual(['i1', 'i2', 'i3']);
    } finally {
      await queue.stop();
    }
  }, 30_000);
});

function jobData(instanceId: string): InstanceJobData {
  const at = new Date().toISOString();
  return { policy: 'p', occurrence: 'p@adhoc', instanceId, instanceName: instanceId, host: null, startAt: at, retryUntil: at };
}
