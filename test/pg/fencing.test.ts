import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, inject, it } from 'vitest';
import type { Journal } from '../../src/journal/index.js';
import { asAdmin } from './databases.js';
import { pgJournals } from './journals.js';
import { pollUntil } from '../helpers/poll.js';
import { startSandboxCli } from '../helpers/sandbox-cli.js';

/**
 * Fencing: a worker stopped (SIGSTOP: a stall, a pause, a cut-off) longer than its lease is taken over by
 * another, which adopts its operation and lock and cleans up its set. When the stopped worker runs again it
 * must write nothing: not the set the other cleaned up, not the lock the other now holds. Its heartbeat does
 * not revive its lease either. The tests wait for states (the lease by the server's clock, the child's lines).
 */
const info = inject('pg');
const CHILD = fileURLToPath(new URL('./fixtures/stalled-child.mjs', import.meta.url));
const DIST = fileURLToPath(new URL('../../dist/journal/index.js', import.meta.url));
const LEASE_MS = 2000;
type Child = ChildProcessByStdio<Writable, Readable, null>;
const opener = pgJournals(info);
const opened: Journal[] = [];
const children: Child[] = [];
afterEach(async () => {
  for (const c of children.splice(0)) {
    c.kill('SIGCONT');
    c.kill('SIGKILL');
  }
  await Promise.all(opened.splice(0).map((j) => j.close()));
});

/** A watcher journal on a new database and the child worker on it, ready (its owner id). */
async function startChild(): Promise<{ watcher: Journal; child: Child; ownerId: string; lines: () => Promise<string> }> {
  expect(existsSync(DIST), 'the child runs the built journal: npm run build first').toBe(true);
  const watcher = await opener.fresh();
  opened.push(watcher);
  await watcher.listLocks();
  const child = spawn(process.execPath, [CHILD], {
    env: { ...process.env, CCSNAP_JOURNAL: opener.urlOf(watcher), LEASE_MS: String(LEASE_MS) },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  children.push(child);
  const lines = lineReader(child.stdout);
  const ready = /^ready (\S+)$/.exec(await lines());
  expect(ready, 'the child prints ready <ownerId>').not.toBeNull();
  return { watcher, child, ownerId: ready![1]!, lines };
}

async function writeOnce(child: Child, lines: () => Promise<string>): Promise<Record<string, unknown>> {
  child.stdin.write('write\n');
  return JSON.parse(await lines()) as Record<string, unknown>;
}

describe('fencing a worker whose lease ran out (PostgreSQL)', () => {
  it('a worker that keeps its lease writes as usual', async () => {
    const { watcher, child, lines } = await startChild();
    expect(await writeOnce(child, lines)).toEqual({
      updateMember: 'ok',
      finishSet: 'ok',
      recordStep: 'ok',
      finishOperation: 'ok',
      releaseLock: 'ok',
      fenced: false,
      heard: null,
    });
    expect(await watcher.getSet('set-child')).toMatchObject({ state: 'complete' });
    expect(await watcher.readLock('i-child')).toBeUndefined();
  });

  it('a worker stopped past its lease and taken over writes nothing when it runs again', async () => {
    const { watcher, child, ownerId, lines } = await startChild();
    child.kill('SIGSTOP');
    await pollUntil('the stopped worker to lose its lease', async () => (await watcher.listUnfinishedOperations())[0]?.ownerAlive === false);
    // What recover does with a dead owner's create: adopt it (operation and lock), then clean up its set.
    await watcher.adoptOperation('op-child');
    await watcher.finishSet('set-child', { state: 'failed', reason: 'cleaned up by recover' });
    const takenOver = await watcher.readLock('i-child');
    child.kill('SIGCONT');
    expect(await writeOnce(child, lines)).toEqual({
      updateMember: 'CCSNAP_JOURNAL_LEASE_LOST',
      finishSet: 'CCSNAP_JOURNAL_LEASE_LOST',
      recordStep: 'CCSNAP_JOURNAL_LEASE_LOST',
      finishOperation: 'CCSNAP_JOURNAL_LEASE_LOST',
      releaseLock: 'CCSNAP_JOURNAL_LEASE_LOST',
      fenced: true,
      heard: 'CCSNAP_JOURNAL_LEASE_LOST',
    });
    // The takeover stands: the lock is the watcher's, the set as recover left it, the operation still open.
    expect(await watcher.readLock('i-child')).toEqual(takenOver);
    expect(takenOver).toMatchObject({ opId: 'op-child', ownerAlive: true, pid: process.pid });
    const set = await watcher.getSet('set-child');
    expect(set).toMatchObject({ state: 'failed', reason: 'cleaned up by recover' });
    expect(set!.members.map((m) => m.state)).toEqual(['pending']);
    expect(await watcher.listSteps('op-child')).toEqual([]);
    expect((await watcher.listUnfinishedOperations()).map((o) => o.id)).toEqual(['op-child']);
    // Its heartbeat did not bring its lease back.
    const alive = await asAdmin(
      info,
      async (c) => (await c.query<{ alive: boolean }>('SELECT lease_until > now() AS alive FROM ccsnap.owners WHERE id = $1', [ownerId])).rows[0]?.alive,
      opener.databaseOf(watcher),
    );
    expect(alive).toBe(false);
  });
});

describe('recover and a dead owner’s lock (PostgreSQL)', () => {
  it('releases a lock held for no operation by an owner whose lease ran out, though its process still runs', async () => {
    const holder = await opener.fresh();
    opened.push(holder);
    const url = opener.urlOf(holder);
    // A worker took the lock, then lost its lease before it journaled an operation (stopped and fenced, or
    // cut off): its process lives on (here: this one), but it can write nothing, its lock included.
    await holder.acquireLock('i-orphan', 'op-orphan');
    await holder.acquireLock('i-busy', 'op-busy');
    await holder.insertOperation({ id: 'op-busy', kind: 'create', instanceId: 'i-busy', instanceName: 'busy', plan: {} });
    const live = await opener.another(holder);
    opened.push(live);
    await live.acquireLock('i-live', 'op-live');
    await holder.close();
    const cli = await startSandboxCli({ mode: 'configured' });
    try {
      const reports = await cli.json(['recover', '-f', 'json'], { journal: url });
      expect(reports.filter((r) => r.Kind === 'lock')).toEqual([
        expect.objectContaining({ Operation: 'op-orphan', Action: 'release lock', Outcome: 'recovered' }),
      ]);
    } finally {
      await cli.close();
    }
    expect(await live.readLock('i-orphan')).toBeUndefined();
    // A live owner's lock, and a lock of an operation (which recover adopts and closes) are not orphans.
    expect(await live.readLock('i-live')).toMatchObject({ opId: 'op-live', ownerAlive: true });
  });
});

/** Each call resolves with the child's next line of output (the events the test waits for). */
function lineReader(stream: NodeJS.ReadableStream): () => Promise<string> {
  const ready: string[] = [];
  const waiting: Array<(line: string) => void> = [];
  let text = '';
  stream.on('data', (chunk: Buffer) => {
    text += chunk.toString();
    for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n')) {
      const line = text.slice(0, at);
      text = text.slice(at + 1);
      const next = waiting.shift();
      if (next) next(line);
      else ready.push(line);
    }
  });
  return () => {
    const line = ready.shift();
    return line !== undefined ? Promise.resolve(line) : new Promise((resolve) => waiting.push(resolve));
  };
}
