import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { openJournal, type Journal } from '../../../src/journal/index.js';
import { describeJournalContract } from '../../helpers/journal-contract.js';

const dir = mkdtempSync(join(tmpdir(), 'ccsnap-contract-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const paths = new Map<Journal, string>();
let n = 0;

describeJournalContract('SQLite', {
  async fresh() {
    const path = join(dir, `j${++n}.db`);
    const journal = openJournal(path);
    paths.set(journal, path);
    return journal;
  },
  async another(journal) {
    const path = paths.get(journal)!;
    const other = openJournal(path);
    paths.set(other, path);
    return other;
  },
});
