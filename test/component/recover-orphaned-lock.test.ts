import { spawnSync } from 'node:child_process';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSnapshots } from '../../src/ops/create.js';
import { recoverOperations } from '../../src/ops/recover.js';
import { startSandboxRuntime, type SandboxRuntime } from '../helpers/sandbox-runtime.js';

/** The pid of a process that has exited (so it is dead on this machine). */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '0']).pid;
}

/**
 * create takes the instance's lock before its pre-checks and journals the operation after them: a ccsnap
 * killed in between leaves only the lock. recover releases it (nothing was frozen or snapshotted); a lock
 * of a live process, or of an unfinished operation recover has to finish, stays.
 */
describe('recover and locks a dead ccsnap left without an operation', () => {
  let f: SandboxRuntime;
  beforeEach(async () => {
    f = await startSandboxRuntime();
  });
  afterEach(async () => f.close());

  const id = (name: string) => f.sandbox.ctx.state.nova.servers.find((s) => s.name === name)!.id;
  function setLockPid(instanceId: string, pid: number): void {
    const db = new Database(f.journalPath);
    db.prepare('UPDATE locks SET pid = ? WHERE instance_id = ?').run(pid, instanceId);
    db.close();
  }

  it('releases the lock of a dead process that journaled nothing, so the instance can be snapshotted again', async () => {
    const journal = f.rt.journal();
    await journal.acquireLock(id('web-1'), 'op-killed-in-pre-checks');
    setLockPid(id('web-1'), deadPid());
    const [refused] = await createSnapshots(f.rt, { instances: ['web-1'] });
    expect(refused).toMatchObject({ kind: 'error', error: { code: 'CCSNAP_LOCKED' } });

    const reports = await recoverOperations(f.rt, { auto: true });
    expect(reports).toEqual([
      expect.objectContaining({ opId: 'op-killed-in-pre-checks', kind: 'lock', instanceId: id('web-1'), action: 'release lock', outcome: 'recovered' }),
    ]);
    expect(await journal.readLock(id('web-1'))).toBeUndefined();
    const [made] = await createSnapshots(f.rt, { instances: ['web-1'] });
    expect(made!.kind === 'result' && made!.result.state).toBe('complete');
  });

  it("keeps a live process's lock and the lock of an unfinished operation recover leaves for later", async () => {
    const journal = f.rt.journal();
    await journal.acquireLock(id('app-1'), 'op-of-a-live-process');
    // A half-done rollback of a dead process: the automatic pass leaves it (and its lock) to `ccsnap recover`.
    await journal.insertOperation({ id: 'op-half-rollback', kind: 'rollback', instanceId: id('db-1'), instanceName: 'db-1', plan: {} });
    await journal.acquireLock(id('db-1'), 'op-half-rollback');
    const dead = deadPid();
    const db = new Database(f.journalPath);
    db.prepare("UPDATE operations SET pid = ? WHERE id = 'op-half-rollback'").run(dead);
    db.close();
    setLockPid(id('db-1'), dead);

    const reports = await recoverOperations(f.rt, { auto: true });
    expect(reports.map((r) => [r.opId, r.outcome])).toEqual([['op-half-rollback', 'skipped']]);
    expect((await journal.readLock(id('app-1')))?.opId).toBe('op-of-a-live-process');
    expect((await journal.readLock(id('db-1')))?.opId).toBe('op-half-rollback');
  });
});
