import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSettings } from '../../src/config.js';
import { createSnapshots, type CreateOutcome, type CreateRequest } from '../../src/ops/create.js';
import { Runtime } from '../../src/runtime.js';
import { startSandbox, SANDBOX_API_KEY, type RunningSandbox } from '../../src/sandbox/index.js';
import { frozenWindows, readDomainEvents } from '../../src/sandbox/hypervisor/helpers.js';
import { sandboxCloud } from '../../src/cli/commands/shared/open-runtime.js';
import { sandboxCcsnapConfig } from '../../src/cli/sandbox-config.js';
import type { TranscriptEntry } from '../../src/sandbox/transcript.js';

export interface CreateFixture {
  sandbox: RunningSandbox;
  rt: Runtime;
  dir: string;
  create(req: Partial<CreateRequest> & { instances: string[] }): Promise<CreateOutcome[]>;
  windows(domain: string): Promise<ReturnType<typeof frozenWindows>>;
  transcriptSince(seq: number): TranscriptEntry[];
  close(): Promise<void>;
}

/** An in-process sandbox and a Runtime wired to it exactly as the CLI's built-in sandbox cloud is. */
export async function openCreateFixture(): Promise<CreateFixture> {
  const dir = mkdtempSync(join(tmpdir(), 'ccsnap-create-'));
  const sandbox = await startSandbox({ statePath: join(dir, 'state.json') });
  const settings = await loadSettings({ file: null, cloudName: 'ccsnap-sandbox', inline: sandboxCcsnapConfig(sandbox.url), env: { CCSNAP_ARRAY_API_KEY: SANDBOX_API_KEY } });
  settings.hypervisor = { ...settings.hypervisor, commandTimeoutMs: 3000 };
  const rt = new Runtime({ cloud: sandboxCloud(sandbox.url), settings, journalPath: join(dir, 'journal.db'), watchdogLogPath: join(dir, 'watchdog.log') });
  return {
    sandbox,
    rt,
    dir,
    create: (req) => createSnapshots(rt, { maxFreezeMs: 2000, ...req }),
    windows: async (domain) => frozenWindows(await readDomainEvents(sandbox.url, domain)),
    transcriptSince: (seq) => sandbox.ctx.transcript.list(seq),
    close: async () => {
      await rt.close();
      await sandbox.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function resultOf(outcomes: CreateOutcome[]) {
  const o = outcomes[0]!;
  if (o.kind !== 'result') throw new Error(`expected a result, got ${o.kind}: ${JSON.stringify(o)}`);
  return o.result;
}
