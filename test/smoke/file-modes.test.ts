import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openJournal } from '../../src/journal/index.js';
import { startSandboxCli, type SandboxCli } from '../helpers/sandbox-cli.js';

/** Issue 12 item 8: files ccsnap creates (journal, WAL, logs) are 0600, directories it creates 0700, whatever the umask. */
let cli: SandboxCli;
let previousUmask: number;
const mode = (path: string): string => (statSync(path).mode & 0o777).toString(8);

beforeAll(async () => {
  previousUmask = process.umask(0o022);
  cli = await startSandboxCli({ mode: 'configured' });
});
afterAll(async () => {
  process.umask(previousUmask);
  await cli?.close();
});

describe('file modes', () => {
  it('a create in a configured journal directory leaves the journal and the watchdog log private', async () => {
    const journal = join(cli.dir, 'configured-journal.db');
    const r = await cli.run(['create', 'web-1', '-f', 'json'], { journal });
    expect(r.code, r.stderr).toBe(0);
    expect(mode(journal)).toBe('600');
    const log = join(cli.dir, 'watchdog.log');
    expect(existsSync(log)).toBe(true);
    expect(mode(log)).toBe('600');
  });

  it('the journal, its WAL and shared-memory files are 0600, and a missing directory is made 0700', async () => {
    const base = mkdtempSync(join(tmpdir(), 'ccsnap-modes-'));
    try {
      const path = join(base, 'new', 'dir', 'journal.db');
      const journal = openJournal(path);
      try {
        await journal.insertOperation({ id: 'op-modes', kind: 'create', instanceId: 'i-1', instanceName: 'web-1', plan: {} });
        await journal.finishOperation('op-modes', { state: 'done' });
        expect(mode(join(base, 'new'))).toBe('700');
        expect(mode(join(base, 'new', 'dir'))).toBe('700');
        for (const f of [path, `${path}-wal`, `${path}-shm`]) expect(mode(f), f).toBe('600');
      } finally {
        await journal.close();
      }
    } finally {
      rmSync(base, { recursive: true, force: true });
    }
  });
});
