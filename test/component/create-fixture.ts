import { createSnapshots, type CreateOutcome, type CreateRequest } from '../../src/ops/create.js';
import type { Runtime } from '../../src/runtime.js';
import { frozenWindows, readDomainEvents, startSandboxRuntime, type RunningSandbox, type TranscriptEntry } from '../../src/sandbox-entry.js';

export interface CreateFixture {
  sandbox: RunningSandbox;
  rt: Runtime;
  dir: string;
  create(req: Partial<CreateRequest> & { instances: string[] }): Promise<CreateOutcome[]>;
  windows(domain: string): Promise<ReturnType<typeof frozenWindows>>;
  transcriptSince(seq: number): TranscriptEntry[];
  close(): Promise<void>;
}

/** An in-process sandbox and a Runtime wired to it exactly as the CLI's built-in sandbox cloud is (virsh calls bounded at 3 s). */
export async function openCreateFixture(): Promise<CreateFixture> {
  const env = await startSandboxRuntime({ hypervisor: { command_timeout: '3s' } });
  const { sandbox, rt, dir } = env;
  return {
    sandbox,
    rt,
    dir,
    create: (req) => createSnapshots(rt, { maxFreezeMs: 2000, ...req }),
    windows: async (domain) => frozenWindows(await readDomainEvents(sandbox.url, domain)),
    transcriptSince: (seq) => sandbox.ctx.transcript.list(seq),
    close: () => env.close(),
  };
}

export function resultOf(outcomes: CreateOutcome[]) {
  const o = outcomes[0]!;
  if (o.kind !== 'result') throw new Error(`expected a result, got ${o.kind}: ${JSON.stringify(o)}`);
  return o.result;
}
