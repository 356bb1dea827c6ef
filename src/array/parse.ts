import type { Account, ArraySnapshot, AsyncJobResult, FileSystem, Tsm } from './types.js';
import { isObject } from './envelope.js';
import { dropUndefined } from '../util/optional.js';

type Json = Record<string, unknown>;

function str(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

function num(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  return undefined;
}

/** `listFileSystem` item. The TSM id key is `Tsmid` here (capital T), `tsmid` elsewhere. */
export function toFileSystem(item: Json): FileSystem {
  return dropUndefined({
    id: str(item.id) ?? '',
    name: str(item.name) ?? '',
    path: str(item.path),
    tsmId: str(item.Tsmid ?? item.tsmid),
    tsmName: str(item.tsmName ?? item.tsmname),
    accountId: str(item.accountid),
    accountName: str(item.accountname),
    status: str(item.status),
    type: str(item.type),
    quota: str(item.quota),
    ipaddress: str(item.ipaddress),
    iqnname: str(item.iqnname),
    groupId: str(item.groupid),
  });
}

/** A `listStorageSnapshots` item (built directly: a list of 10 000 instances parses 2·10⁵ of them). */
export function toArraySnapshot(item: Json, fsId: string): ArraySnapshot {
  const snap: ArraySnapshot = {
    name: str(item.name) ?? '',
    path: str(item.path) ?? '',
    clones: num(item.clones) ?? 0,
    timestamp: str(item.timestamp) ?? '',
    fsId,
  };
  const usedMem = str(item.usedMem);
  if (usedMem !== undefined) snap.usedMem = usedMem;
  const refer = str(item.refer);
  if (refer !== undefined) snap.refer = refer;
  const type = str(item.type);
  if (type !== undefined) snap.type = type;
  return snap;
}

export function toTsm(item: Json): Tsm {
  return dropUndefined({
    id: str(item.id) ?? '',
    name: str(item.name) ?? '',
    datasetId: str(item.datasetid),
    accountId: str(item.accountid),
    accountName: str(item.accountname),
    ipaddress: str(item.ipaddress),
  });
}

export function toAccount(item: Json): Account {
  return { id: str(item.id) ?? '', name: str(item.name) ?? '' };
}

export function toJobResult(inner: Json, jobId: string): AsyncJobResult {
  const jobStatus = num(inner.jobstatus) ?? 0;
  const result = isObject(inner.jobresult) ? inner.jobresult : {};
  const state: AsyncJobResult['state'] = jobStatus === 1 ? 'succeeded' : jobStatus === 2 ? 'failed' : 'pending';
  return dropUndefined({
    jobId: str(inner.jobid) ?? jobId,
    jobStatus,
    state,
    cmd: str(inner.cmd),
    msg: str(inner.msg),
    resultCode: num(inner.jobresultcode),
    result,
    error: state === 'failed' ? { code: num(result.errorcode), text: str(result.errortext) } : undefined,
  });
}
