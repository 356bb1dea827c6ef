import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createElastiCenterClient } from '../../src/array/client.js';
import type { ElastiCenterClient } from '../../src/array/types.js';
import type { CcsnapError } from '../../src/errors.js';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/index.js';
import { rejectionOf } from '../helpers/rejection.js';

/** Every failure here must keep the array's API key out of its message and details. */
const failure = (p: Promise<unknown>): Promise<CcsnapError> => rejectionOf(p, { secrets: [sandbox.ctx.state.array.apiKey] });

/** A create whose answer is lost is reconciled by listing, never re-sent. */
let sandbox: RunningSandbox;
let client: ElastiCenterClient;

function fsId(index: number): string {
  return sandbox.ctx.state.array.filesystems[index]!.id;
}

function sent(command: string, since: number): number {
  return sandbox.ctx.transcript.list(since).filter((e) => e.service === 'array' && e.command === command).length;
}

beforeAll(async () => {
  sandbox = await startSandbox();
  client = createElastiCenterClient({ url: `${sandbox.url}/client/api`, apiKey: sandbox.ctx.state.array.apiKey, name: 'ec1', timeoutMs: 1_000 });
});
afterAll(async () => {
  await client.close();
  await sandbox.close();
});

describe('createStorageSnapshot whose answer is lost', () => {
  it('the array made the snapshot but answers after the client timeout: found by listing, sent once', async () => {
    const id = fsId(0);
    sandbox.ctx.faults.add({ service: 'array', key: 'createStorageSnapshot', target: id, latencyMs: 4_000, times: 1 });
    const since = sandbox.ctx.transcript.lastSeq();
    const created = await client.createStorageSnapshot({ fsId: id, name: 'late_one' });
    expect(created.reconciled).toBe(true);
    expect(created.path).toMatch(/@late_one$/);
    expect(created.id).toBeNull();
    expect(sent('createStorageSnapshot', since)).toBe(1);
    expect(sent('listStorageSnapshots', since)).toBe(1);
    expect(sandbox.ctx.state.array.snapshots.filter((s) => s.fsId === id && s.name === 'late_one')).toHaveLength(1);
  });

  it('the request never reached ZFS (hang) and the listing shows no snapshot: CCSNAP_ARRAY_TIMEOUT, not re-sent', async () => {
    const id = fsId(1);
    sandbox.ctx.faults.add({ service: 'array', key: 'createStorageSnapshot', target: id, hang: true, times: 1 });
    const since = sandbox.ctx.transcript.lastSeq();
    const err = await failure(client.createStorageSnapshot({ fsId: id, name: 'lost_one' }));
    expect(err.code).toBe('CCSNAP_ARRAY_TIMEOUT');
    expect(err.details).toMatchObject({ reconciled: 'absent', command: 'createStorageSnapshot', fsId: id, name: 'lost_one' });
    expect(sent('createStorageSnapshot', since)).toBe(1);
    expect(sandbox.ctx.state.array.snapshots.some((s) => s.name === 'lost_one')).toBe(false);
  });

  it('when the reconciling list also gets no answer the outcome is CCSNAP_ARRAY_CREATE_UNKNOWN', async () => {
    const id = fsId(2);
    sandbox.ctx.faults.add({ service: 'array', key: 'createStorageSnapshot', target: id, latencyMs: 4_000, times: 1 });
    sandbox.ctx.faults.add({ service: 'array', key: 'listStorageSnapshots', target: id, hang: true, times: 1 });
    const since = sandbox.ctx.transcript.lastSeq();
    const err = await failure(client.createStorageSnapshot({ fsId: id, name: 'maybe_one' }));
    expect(err.code).toBe('CCSNAP_ARRAY_CREATE_UNKNOWN');
    expect(err.details).toMatchObject({ createError: 'CCSNAP_ARRAY_TIMEOUT', listError: 'CCSNAP_ARRAY_TIMEOUT' });
    expect(sent('createStorageSnapshot', since)).toBe(1);
  });

  it('a timed-out read is not retried; a timed-out rollback is not re-sent', async () => {
    const id = fsId(3);
    sandbox.ctx.faults.add({ service: 'array', key: 'listFileSystem', hang: true, times: 1 });
    let since = sandbox.ctx.transcript.lastSeq();
    expect((await failure(client.listFileSystems())).code).toBe('CCSNAP_ARRAY_TIMEOUT');
    expect(sent('listFileSystem', since)).toBe(1);
    await client.createStorageSnapshot({ fsId: id, name: 'rb' });
    const snap = (await client.findSnapshot({ fsId: id, name: 'rb' }))!;
    sandbox.ctx.faults.add({ service: 'array', key: 'rollbackToSnapshot', hang: true, times: 1 });
    since = sandbox.ctx.transcript.lastSeq();
    expect((await failure(client.rollbackToSnapshot({ fsId: id, path: snap.path }))).code).toBe('CCSNAP_ARRAY_TIMEOUT');
    expect(sent('rollbackToSnapshot', since)).toBe(1);
  });

  it('a caller abort is CCSNAP_ABORTED, not a timeout', async () => {
    sandbox.ctx.faults.add({ service: 'array', key: 'listTsm', hang: true, times: 1 });
    const slow = createElastiCenterClient({ url: `${sandbox.url}/client/api`, apiKey: sandbox.ctx.state.array.apiKey, timeoutMs: 10_000 });
    try {
      const ac = new AbortController();
      // Abort once the (hanging) request has reached the array, not after a guessed delay.
      const take = sandbox.ctx.faults.take.bind(sandbox.ctx.faults);
      sandbox.ctx.faults.take = (...args: Parameters<typeof take>) => {
        const rule = take(...args);
        if (rule?.hang) queueMicrotask(() => ac.abort());
        return rule;
      };
      try {
        const p = slow.listTsm({ signal: ac.signal });
        expect((await failure(p)).code).toBe('CCSNAP_ABORTED');
      } finally {
        sandbox.ctx.faults.take = take;
      }
    } finally {
      await slow.close();
    }
  });
});
