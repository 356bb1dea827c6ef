import { CcsnapError } from '../errors.js';
import { timeArrayCall } from '../metrics/port.js';
import { sleep } from '../util/abort.js';
import { ARRAY_ERROR_CODES } from './errors.js';
import { listOf, unwrapAnswer } from './envelope.js';
import { assertSnapshotName } from './names.js';
import { toAccount, toArraySnapshot, toFileSystem, toJobResult, toTsm } from './parse.js';
import { createTransport, type Transport } from './transport.js';
import type { ArraySnapshot, CreatedSnapshot, ElastiCenterClient, ElastiCenterClientOptions } from './types.js';

type Json = Record<string, unknown>;

export const DEFAULT_ARRAY_TIMEOUT_MS = 30_000;
/** Reads are retried this many extra times on connection errors (never on timeouts, never for mutations). */
const READ_RETRIES = 2;
const RETRYABLE = new Set<string>([ARRAY_ERROR_CODES.unreachable, ARRAY_ERROR_CODES.connectionReset]);

export function createElastiCenterClient(opts: ElastiCenterClientOptions): ElastiCenterClient {
  const name = opts.name ?? hostOf(opts.url);
  const timeoutMs = opts.timeoutMs ?? DEFAULT_ARRAY_TIMEOUT_MS;
  const transport = createTransport({
    url: opts.url,
    apiKey: opts.apiKey,
    timeoutMs,
    name,
    ...(opts.cacert !== undefined ? { cacert: opts.cacert } : {}),
    ...(opts.insecure !== undefined ? { insecure: opts.insecure } : {}),
  });
  const call = (command: string, params: Record<string, string>, signal?: AbortSignal): Promise<Json> =>
    timeArrayCall(name, command, async () => {
      const answer = await transport.send(command, params, signal);
      return unwrapAnswer(answer, command, name, transport.redact);
    });
  const read = (command: string, params: Record<string, string>, signal?: AbortSignal): Promise<Json> =>
    withReadRetries(() => call(command, params, signal), signal);
  const listSnapshots = async (fsId: string, signal?: AbortSignal) =>
    listOf(await read('listStorageSnapshots', { id: fsId }, signal), 'snapshot').map((s) => toArraySnapshot(s, fsId));

  return {
    name,
    async listFileSystems({ signal, id, tsmId } = {}) {
      const params: Record<string, string> = {};
      if (id !== undefined) params.id = id;
      if (tsmId !== undefined) params.tsmid = tsmId;
      return listOf(await read('listFileSystem', params, signal), 'filesystem').map(toFileSystem);
    },
    createStorageSnapshot: ({ fsId, name: snapName, signal }) => createSnapshot({ transport, call, listSnapshots, arrayName: name }, fsId, snapName, signal),
    listStorageSnapshots: ({ fsId, signal }) => listSnapshots(fsId, signal),
    async findSnapshot({ fsId, name: snapName, signal }) {
      return (await listSnapshots(fsId, signal)).find((s) => s.name === snapName);
    },
    async deleteSnapshot({ fsId, path, signal }) {
      try {
        await call('deleteSnapshot', { id: fsId, path }, signal);
        return { outcome: 'deleted' };
      } catch (err) {
        if (err instanceof CcsnapError && err.code === ARRAY_ERROR_CODES.snapshotNotFound && err.details.command === 'deleteSnapshot')
          return { outcome: 'already-absent' };
        throw err;
      }
    },
    async rollbackToSnapshot({ fsId, path, signal }) {
      await call('rollbackToSnapshot', { id: fsId, path }, signal);
    },
    async queryAsyncJobResult({ jobId, signal }) {
      return toJobResult(await read('queryAsyncJobResult', { jobId }, signal), jobId);
    },
    async listTsm({ signal, accountId } = {}) {
      return listOf(await read('listTsm', accountId !== undefined ? { accountid: accountId } : {}, signal), 'listTsm').map(toTsm);
    },
    async listAccount({ signal } = {}) {
      return listOf(await read('listAccount', {}, signal), 'account').map(toAccount);
    },
    callCommand: (command, params, { signal } = {}) => call(command, params, signal),
    close: () => transport.close(),
  };
}

async function withReadRetries<T>(fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (attempt >= READ_RETRIES || !(err instanceof CcsnapError) || !RETRYABLE.has(err.code)) throw err;
      await sleep(100 * (attempt + 1), signal);
    }
  }
}

interface CreateDeps {
  transport: Transport;
  call: (command: string, params: Record<string, string>, signal?: AbortSignal) => Promise<Json>;
  listSnapshots: (fsId: string, signal?: AbortSignal) => Promise<ArraySnapshot[]>;
  arrayName: string;
}

/**
 * Sends createStorageSnapshot exactly once. If the answer is lost (timeout or connection reset), the
 * outcome is reconciled by listing the filesystem's snapshots with a fresh deadline, never by re-sending:
 * found → `reconciled: true`; listed and absent → CCSNAP_ARRAY_TIMEOUT / CONNECTION_RESET (details.reconciled
 * = "absent"); listing failed too → CCSNAP_ARRAY_CREATE_UNKNOWN.
 */
async function createSnapshot(deps: CreateDeps, fsId: string, name: string, signal?: AbortSignal): Promise<CreatedSnapshot> {
  assertSnapshotName(name);
  let inner: Json;
  try {
    inner = await deps.call('createStorageSnapshot', { id: fsId, name }, signal);
  } catch (err) {
    if (!(err instanceof CcsnapError) || (err.code !== ARRAY_ERROR_CODES.timeout && err.code !== ARRAY_ERROR_CODES.connectionReset)) throw err;
    return reconcileCreate(deps, fsId, name, err, signal);
  }
  const snap = (inner.StorageSnapshot ?? {}) as Json;
  return { fsId, name: typeof snap.name === 'string' ? snap.name : name, id: typeof snap.id === 'string' ? snap.id : null, path: null, reconciled: false };
}

async function reconcileCreate(deps: CreateDeps, fsId: string, name: string, original: CcsnapError, signal?: AbortSignal): Promise<CreatedSnapshot> {
  let found;
  try {
    found = (await deps.listSnapshots(fsId, signal)).find((s) => s.name === name);
  } catch (listErr) {
    throw new CcsnapError(
      ARRAY_ERROR_CODES.createUnknown,
      `array ${deps.arrayName}: snapshot ${name} on filesystem ${fsId} may or may not exist (create: ${original.code}; listing to check failed: ${(listErr as CcsnapError).code ?? 'error'})`,
      {
        details: { ...original.details, fsId, name, createError: original.code, listError: (listErr as CcsnapError).code },
        cause: listErr,
      },
    );
  }
  if (found) return { fsId, name, id: null, path: found.path, reconciled: true };
  throw new CcsnapError(original.code, `${original.message}; snapshot ${name} is not on filesystem ${fsId} (checked by listing; create not re-sent)`, {
    details: { ...original.details, fsId, name, reconciled: 'absent' },
    cause: original,
  });
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'elasticenter';
  }
}
