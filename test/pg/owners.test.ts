import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, inject, it } from 'vitest';
import type { Journal } from '../../src/journal/index.js';
import { asAdmin } from './databases.js';
import { pgJournals } from './journals.js';
import { pollUntil } from '../helpers/poll.js';

/**
 * Owners and leases. A lease is judged by the server's clock at read time (ownerAlive); these tests wait for
 * the state they expect (polling the journal, with an overall deadline), never for a fixed time.
 */
const info = inject('pg');
const CHILD = fileURLToPath(new URL('./fixtures/owner-child.mjs', import.meta.url));
const DIST = fileURLToPath(new URL('../../dist/journal/index.js', import.meta.url));
const opener = pgJournals(info);
const opened: Journal[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((j) => j.close()));
});

const HEARTBEAT_LEASE_MS = 1500;
const shortLease = pgJournals(info, { leaseMs: HEARTBEAT_LEASE_MS });

/** Two workers on one new database (`leases`: the opener, e.g. one with short leases). */
async function pair(leases = opener): Promise<[Journal, Journal]> {
  const a = await leases.fresh();
  const b = await leases.another(a);
  opened.push(a, b);
  return [a, b];
}

describe('owners and leases (PostgreSQL)', () => {
  it('a clean close ends the lease at once: another worker sees the owner dead', async () => {
    const [a, b] = await pair();
    await a.insertOperation({ id: 'op1', kind: 'create', instanceId: 'i1', instanceName: 'web-1', plan: {} });
    await a.acquireLock('i1', 'op1');
    expect((await b.listUnfinishedOperations())[0]).toMatchObject({ ownerAlive: true, pid: process.pid });
    await a.close();
    expect((await b.listUnfinishedOperations())[0]).toMatchObject({ ownerAlive: false });
    const err = await b.acquireLock('i1', 'op2').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ code: 'CCSNAP_LOCKED', details: { opId: 'op1', ownerAlive: false, stale: true } });
    await b.adoptOperation('op1');
    expect(await b.readLock('i1')).toMatchObject({ ownerAlive: true });
  });

  it('the heartbeat keeps a short lease alive well past its length', async () => {
    const leaseMs = HEARTBEAT_LEASE_MS;
    const [a, b] = await pair(shortLease);
    await a.insertOperation({ id: 'op1', kind: 'create', instanceId: 'i1', instanceName: 'web-1', plan: {} });
    // Wait until, by the server's clock, three leases have passed since the owner registered.
    await pollUntil('three leases to pass', () =>
      asAdmin(
        info,
        async (c) =>
          (
            await c.query<{ past: boolean }>(
              `SELECT now() > ow.started_at + interval '${3 * leaseMs} milliseconds' AS past FROM ccsnap.owners ow JOIN ccsnap.operations op ON op.owner_id = ow.id WHERE op.id = 'op1'`,
            )
          ).rows[0]?.past === true,
        shortLease.databaseOf(b),
      ),
    );
    expect((await b.listUnfinishedOperations())[0]).toMatchObject({ ownerAlive: true });
  });

  it('a worker killed with SIGKILL: its operation, lock and occurrence show its owner dead once its lease runs out', async () => {
    expect(existsSync(DIST), 'the child runs the built journal: npm run build first').toBe(true);
    const leaseMs = 2000;
    const watcher = await opener.fresh();
    opened.push(watcher);
    await watcher.listLocks();
    const child = spawn(process.execPath, [CHILD], {
      env: { ...process.env, CCSNAP_JOURNAL: opener.urlOf(watcher), LEASE_MS: String(leaseMs) },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      const ownerId = await readyLine(child.stdout);
      const alive = async (): Promise<Array<boolean | null>> => [
        (await watcher.listUnfinishedOperations())[0]?.ownerAlive ?? null,
        (await watcher.readLock('i-child'))?.ownerAlive ?? null,
        (await watcher.getOccurrence('p', 'p@child'))?.ownerAlive ?? null,
      ];
      expect(await alive()).toEqual([true, true, true]);
      expect((await watcher.readLock('i-child'))?.ownerId).toBe(ownerId);
      child.kill('SIGKILL');
      await pollUntil('the dead worker to lose its lease', async () => (await alive()).every((a) => a === false));
      const occ = (await watcher.getOccurrence('p', 'p@child'))!;
      expect(await watcher.adoptOccurrence('p', 'p@child', { pid: occ.pid, hostname: occ.hostname, ownerId: occ.ownerId })).toBe(true);
      expect(await watcher.getOccurrence('p', 'p@child')).toMatchObject({ ownerAlive: true, pid: process.pid });
    } finally {
      child.kill('SIGKILL');
    }
  });
});

/** The child's "ready <ownerId>" line (the event the test waits for). */
function readyLine(stream: NodeJS.ReadableStream): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    stream.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      const m = /^ready (\S+)$/m.exec(text);
      if (m) resolve(m[1]!);
    });
    stream.on('end', () => reject(new Error(`the child ended before it was ready: ${text}`)));
  });
}
