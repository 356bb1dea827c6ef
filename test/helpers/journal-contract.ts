import { afterEach } from 'vitest';
import type { Journal } from '../../src/journal/index.js';
import type { ContractContext } from './journal-contract/context.js';
import { describeLocks } from './journal-contract/locks.js';
import { describeOccurrences } from './journal-contract/occurrences.js';
import { describeRecords } from './journal-contract/records.js';

/**
 * The journal port's behaviour, one body for every backend: SQLite runs it in the main suite
 * (test/unit/journal/contract-sqlite.test.ts), PostgreSQL in the pg suite (test/pg/contract.test.ts).
 * Only the port is used here; what needs a backend's own tools (tampering with rows, killing a process)
 * lives in that backend's tests. The parts are in journal-contract/.
 */
export type JournalOpener = Omit<ContractContext, 'backend'>;

export function describeJournalContract(backend: string, opener: JournalOpener): void {
  const opened: Journal[] = [];
  const track = (j: Journal): Journal => (opened.push(j), j);
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((j) => j.close()));
  });
  const ctx: ContractContext = {
    backend,
    fresh: async () => track(await opener.fresh()),
    another: async (j) => track(await opener.another(j)),
  };
  describeRecords(ctx);
  describeLocks(ctx);
  describeOccurrences(ctx);
}
