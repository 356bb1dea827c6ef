import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openJournal } from '../../../src/journal/index.js';

const dir = mkdtempSync(join(tmpdir(), 'ccsnap-journal-ops-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('journal.listOperations', () => {
  it('filters by kind, state, instance, start time and limit, newest first', async () => {
    const journal = openJournal(join(dir, 'j.db'));
    try {
      const add = (id: string, kind: 'create' | 'delete', instanceId: string): Promise<void> =>
        journal.insertOperation({ id, kind, instanceId, instanceName: `name-${instanceId}`, plan: {} });
      await add('op1', 'create', 'i1');
      await add('op2', 'create', 'i2');
      await add('op3', 'delete', 'i1');
      await add('op4', 'create', 'i1');
      await journal.finishOperation('op1', { state: 'failed', errorCode: 'CCSNAP_FREEZE_FAILED', errorMessage: 'no agent' });
      await journal.finishOperation('op2', { state: 'done' });
      await journal.finishOperation('op4', { state: 'failed', errorCode: 'CCSNAP_ARRAY_TIMEOUT', errorMessage: 'slow' });

      const failed = await journal.listOperations({ kinds: ['create'], states: ['failed'] });
      expect(failed.map((o) => [o.id, o.errorCode])).toEqual([
        ['op4', 'CCSNAP_ARRAY_TIMEOUT'],
        ['op1', 'CCSNAP_FREEZE_FAILED'],
      ]);
      expect((await journal.listOperations({ instanceId: 'i1' })).map((o) => o.id)).toEqual(['op4', 'op3', 'op1']);
      expect((await journal.listOperations({ instanceId: 'i1', limit: 1 })).map((o) => o.id)).toEqual(['op4']);
      expect((await journal.listOperations({ kinds: ['delete'] })).map((o) => o.id)).toEqual(['op3']);
      expect((await journal.listOperations()).map((o) => o.id).sort()).toEqual(['op1', 'op2', 'op3', 'op4']);
      expect(await journal.listOperations({ since: '2999-01-01T00:00:00.000Z' })).toEqual([]);
    } finally {
      await journal.close();
    }
  });
});
