import type PgBoss from 'pg-boss';
import { CcsnapError, toCcsnapError } from '../errors.js';

/** One instance of one policy occurrence, as a job any worker may serve. */
export interface InstanceJobData {
  policy: string;
  occurrence: string;
  instanceId: string;
  instanceName: string;
  host: string | null;
  startAt: string;
  retryUntil: string;
}

export interface FleetQueueOptions {
  /** The PostgreSQL URL of the shared journal (pg-boss keeps its tables in its own schema there). */
  url: string;
  /** How long a worker may hold a job before another worker takes it over (pg-boss's expireInSeconds). */
  jobLeaseSeconds: number;
  /** How often expired jobs are looked for (pg-boss's maintenance; at least 1 s). */
  maintenanceSeconds: number;
  /** How often an idle worker asks for a job. */
  pollSeconds: number;
  onError?: (err: CcsnapError) => void;
}

export interface FleetQueue {
  /** Queues the jobs; a job whose id exists already (the same policy, instance and occurrence) is not queued again. */
  enqueue(jobs: Array<{ id: string; data: InstanceJobData; startAfter: Date }>): Promise<void>;
  /**
   * Serves jobs with `concurrency` pollers. A handler that resolves completes its job; one that throws fails it,
   * and pg-boss retries it (after `retryDelaySeconds`) until the retry limit.
   */
  work(concurrency: number, handler: (data: InstanceJobData, job: { id: string; retryCount: number }) => Promise<void>): Promise<void>;
  /** Stops polling and waits for the handlers running now (each bounded by its create's deadlines). */
  stop(): Promise<void>;
}

export const INSTANCE_QUEUE = 'ccsnap-policy-instance';
export const BOSS_SCHEMA = 'ccsnap_boss';
/** A job that could not be served yet (its instance busy) is tried again this much later, as long as its window lasts. */
export const RETRY_DELAY_SECONDS = 5;

/** Starts pg-boss on the journal's database (creating its schema and the queue on first use). */
export async function startFleetQueue(opts: FleetQueueOptions): Promise<FleetQueue> {
  const { default: PgBossClass } = (await import('pg-boss')) as { default: typeof PgBoss };
  const boss = new PgBossClass({
    connectionString: opts.url,
    schema: BOSS_SCHEMA,
    application_name: 'ccsnap-worker',
    max: 4,
    maintenanceIntervalSeconds: opts.maintenanceSeconds,
    schedule: false,
  });
  boss.on('error', (err: unknown) => opts.onError?.(toQueueError(err)));
  try {
    await boss.start();
    await createInstanceQueue(boss, opts.jobLeaseSeconds);
  } catch (err) {
    await boss.stop({ graceful: false, wait: true }).catch(() => undefined);
    throw toQueueError(err);
  }
  return {
    async enqueue(jobs) {
      if (jobs.length === 0) return;
      await boss.insert(jobs.map((j) => ({ id: j.id, name: INSTANCE_QUEUE, data: j.data, startAfter: j.startAfter, expireInSeconds: opts.jobLeaseSeconds })));
    },
    async work(concurrency, handler) {
      for (let i = 0; i < concurrency; i++) {
        const poller: { id?: string } = {};
        const options = { batchSize: 1, pollingIntervalSeconds: opts.pollSeconds, includeMetadata: true } as const;
        poller.id = await boss.work<InstanceJobData>(INSTANCE_QUEUE, options, async (jobs) => {
          try {
            for (const job of jobs) await handler(job.data, { id: job.id, retryCount: job.retryCount });
          } finally {
            // pg-boss waits out the polling interval after every fetch, a served one too: a worker would serve
            // at most `concurrency` jobs per interval. A poller that served a job asks for the next at once;
            // only an idle one waits.
            if (poller.id) boss.notifyWorker(poller.id);
          }
        });
      }
    },
    async stop() {
      await boss.stop({ graceful: true, wait: true, timeout: 120_000 });
    },
  };
}

/** How often a worker tries to create the queue when it deadlocks with another worker doing the same. */
const CREATE_QUEUE_ATTEMPTS = 5;

/**
 * Creates the instance queue unless it exists. pg-boss's create_queue takes no lock first: the second of two
 * workers starting at once on a new database waits (in its insert) for the first's queue row while holding a
 * lock the first's foreign key needs, and PostgreSQL ends one of them (deadlock detected, 40P01). The one it
 * ended tries again, and then finds the queue made.
 */
async function createInstanceQueue(boss: PgBoss, jobLeaseSeconds: number): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await boss.createQueue(INSTANCE_QUEUE, {
        name: INSTANCE_QUEUE,
        policy: 'standard',
        expireInSeconds: jobLeaseSeconds,
        retryLimit: 100_000,
        retryDelay: RETRY_DELAY_SECONDS,
        retryBackoff: false,
      });
      return;
    } catch (err) {
      if (attempt >= CREATE_QUEUE_ATTEMPTS || (err as { code?: unknown } | null)?.code !== '40P01') throw err;
    }
  }
}

/** A pg-boss failure as one coded line (its messages quote SQL, never the connection string). */
function toQueueError(err: unknown): CcsnapError {
  const e = toCcsnapError(err);
  return new CcsnapError('CCSNAP_FLEET_QUEUE', `job queue: ${e.message}`, { cause: err });
}
