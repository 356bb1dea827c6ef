import {
  createJournalView,
  startDaemonHttp,
  type DaemonServer,
  type PolicyDescriptor,
  type PolicySource,
  type RunningDaemonHttp,
} from '../../../src/daemon/index.js';
import { createSnapshots, type CreateOutcome } from '../../../src/index.js';
import { startSandboxRuntime, type SandboxRuntime } from './sandbox.js';

/** An instance name a user could give: the page and the metrics must show it as text. */
export const EVIL_NAME = '<script>document.title="pwned"</script>evil-1';

export interface DaemonStack {
  sbx: SandboxRuntime;
  server: DaemonServer;
  /** Instance ids by (sandbox) name; the renamed app-1 is under EVIL_NAME. */
  ids: Record<string, string>;
  /** Every outcome of the creates the stack ran through the library. */
  outcomes: CreateOutcome[];
  /** The instant the policies' last closed occurrence is set to (before every create). */
  lastDue: Date;
  close(): Promise<void>;
}

/**
 * The daemon's HTTP server over a sandbox, with sets made through the library (so every series exists):
 * web-1 twice, db-1 once, and one failed create of EVIL_NAME (the array refuses its snapshot). Two
 * policies stand in for the scheduler: `hourly-web` (web-1, EVIL_NAME, stopped-1) and `nightly-db` (db-1),
 * both with their last closed occurrence just before the creates — so web-1 and db-1 are on time,
 * EVIL_NAME (failed) and stopped-1 (never snapshotted) are late.
 */
export async function startDaemonStack(): Promise<DaemonStack> {
  const sbx = await startSandboxRuntime({
    prepare: (state) => {
      state.nova.servers.find((s) => s.name === 'app-1')!.name = EVIL_NAME;
    },
  });
  const ids = Object.fromEntries(sbx.sandbox.ctx.state.nova.servers.map((s) => [s.name, s.id]));
  const lastDue = new Date(Date.now() - 1000);
  const view = createJournalView({ journal: sbx.rt.journal(), policies: staticPolicies(ids, lastDue) });
  let http: RunningDaemonHttp | undefined;
  try {
    // Started first: it installs the metrics port, so the creates below are counted.
    http = await startDaemonHttp({ view, version: 'suite', listen: '127.0.0.1:0' });
    const outcomes = await createSets(sbx, ids);
    const running = http;
    return {
      sbx,
      server: running.server,
      ids,
      outcomes,
      lastDue,
      async close() {
        await running.close();
        await sbx.close();
      },
    };
  } catch (err) {
    await http?.close();
    await sbx.close();
    throw err;
  }
}

async function createSets(sbx: SandboxRuntime, ids: Record<string, string>): Promise<CreateOutcome[]> {
  const outcomes: CreateOutcome[] = [];
  outcomes.push(...(await createSnapshots(sbx.rt, { instances: [ids['web-1']!, ids['db-1']!], label: 'suite' })));
  outcomes.push(...(await createSnapshots(sbx.rt, { instances: [ids['web-1']!], label: 'suite-2' })));
  const rule = sbx.sandbox.ctx.faults.add({
    service: 'array',
    key: 'createStorageSnapshot',
    errorCode: 530,
    errorText: 'Failed to create snapshot due to timeout.',
    times: 1,
  });
  try {
    outcomes.push(...(await createSnapshots(sbx.rt, { instances: [ids[EVIL_NAME]!], label: 'suite-fail' })));
  } finally {
    sbx.sandbox.ctx.faults.remove(rule);
  }
  return outcomes;
}

function staticPolicies(ids: Record<string, string>, lastDue: Date): PolicySource {
  const hour = 3_600_000;
  const policy = (name: string, schedule: string, timezone: string, instances: string[]): PolicyDescriptor => ({
    name,
    schedule,
    timezone,
    previousOccurrence: lastDue.toISOString(),
    nextOccurrence: new Date(lastDue.getTime() + hour).toISOString(),
    lastDueOccurrence: lastDue.toISOString(),
    lastRun: { occurrence: `${name}@${lastDue.toISOString()}`, scheduledAt: lastDue.toISOString(), state: 'done', finishedAt: null, reason: null },
    instances: instances.map((n) => ({ id: ids[n]!, name: n })),
  });
  const policies = [policy('hourly-web', '0 * * * *', 'Europe/Berlin', ['web-1', EVIL_NAME, 'stopped-1']), policy('nightly-db', '30 2 * * *', 'UTC', ['db-1'])];
  return {
    list: async () => policies,
    trigger: async (name) => (policies.some((p) => p.name === name) ? { runId: `${name}@manual`, policy: name } : undefined),
  };
}
