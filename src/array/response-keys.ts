/**
 * The response key of each command (reference §2.4). Irregular on purpose: it is what the array sends.
 */
export const RESPONSE_KEYS: Readonly<Record<string, string>> = {
  listFileSystem: 'listFilesystemResponse',
  createStorageSnapshot: 'createStorageSnapshotResponse',
  listStorageSnapshots: 'listDatasetSnapshotsResponse',
  deleteSnapshot: 'deleteSnapshotResponse',
  rollbackToSnapshot: 'rollbacktoshotresponse',
  cloneDatasetSnapshot: 'cloneDatasetSnapshot',
  queryAsyncJobResult: 'queryasyncjobresultresponse',
  createVolume: 'createvolumeresponse',
  deleteFileSystem: 'deleteFileSystemResponse',
  updateFileSystem: 'updatefilesystemresponse',
  listTsm: 'listTsmResponse',
  listAccount: 'listAccountResponse',
};

/** The key used by an unknown command (HTTP 432). */
export const ERROR_RESPONSE_KEY = 'errorresponse';

export function responseKeyOf(command: string): string | undefined {
  return Object.hasOwn(RESPONSE_KEYS, command) ? RESPONSE_KEYS[command] : undefined;
}

/** "Unable to execute API command <this> due to ...": the response key lower-cased, minus "response". */
export function apiCommandLabel(command: string): string {
  const key = responseKeyOf(command) ?? command;
  return key.toLowerCase().replace(/response$/, '');
}
