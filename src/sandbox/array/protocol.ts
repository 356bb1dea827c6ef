import type { SandboxResponse } from '../router.js';

/**
 * Response keys as ElastiCenter spells them (reference §2.4), for the commands the sandbox serves.
 * Written out again on purpose, not imported from the client: the emulator is the client's test oracle.
 */
export const SANDBOX_RESPONSE_KEYS: Readonly<Record<string, string>> = {
  listFileSystem: 'listFilesystemResponse',
  createStorageSnapshot: 'createStorageSnapshotResponse',
  listStorageSnapshots: 'listDatasetSnapshotsResponse',
  deleteSnapshot: 'deleteSnapshotResponse',
  rollbackToSnapshot: 'rollbacktoshotresponse',
  cloneDatasetSnapshot: 'cloneDatasetSnapshot',
  queryAsyncJobResult: 'queryasyncjobresultresponse',
  deleteFileSystem: 'deleteFileSystemResponse',
  listTsm: 'listTsmResponse',
  listAccount: 'listAccountResponse',
};

export const UNKNOWN_COMMAND_KEY = 'errorresponse';
export const LICENSE_TYPE = 'trial';
export const CLOUD_STACK_VERSION = '1.4.0.897';
export const AUTH_TEXT = 'unable to verify user credentials and/or request signature';
export const UNKNOWN_COMMAND_TEXT = 'The given command does not exist';
export const NOT_FOUND_TEXT = 'could not find any snapshots to destroy; check snapshot names.';

/** An error answer the array gives: HTTP status = errorcode. */
export class ArrayFault extends Error {
  constructor(
    readonly code: number,
    readonly text: string,
  ) {
    super(text);
  }
}

/** Query parameters with case-insensitive names (`apiKey`/`apikey`, `jobId`/`jobid`); the first value wins. */
export class Params {
  private readonly map = new Map<string, string>();
  constructor(query: URLSearchParams) {
    for (const [k, v] of query) if (!this.map.has(k.toLowerCase())) this.map.set(k.toLowerCase(), v);
  }
  get(name: string): string | undefined {
    return this.map.get(name.toLowerCase());
  }
  /** A non-empty value, or 431 "Unable to execute API command <label> due to missing parameter <name>". */
  require(command: string, name: string): string {
    const v = this.get(name);
    if (v === undefined || v === '') throw missingParameter(command, name);
    return v;
  }
}

export function commandLabel(command: string): string {
  return (SANDBOX_RESPONSE_KEYS[command] ?? command).toLowerCase().replace(/response$/, '');
}

export function missingParameter(command: string, name: string): ArrayFault {
  return new ArrayFault(431, `Unable to execute API command ${commandLabel(command)} due to missing parameter ${name.toLowerCase()}`);
}

/** CloudStack's wording for an id that names nothing. */
export function invalidParameter(command: string, name: string, value: string): ArrayFault {
  return new ArrayFault(
    431,
    `Unable to execute API command ${commandLabel(command)} due to invalid value. Invalid parameter ${name.toLowerCase()} value=${value} due to incorrect long value format, or entity does not exist or due to incorrect parameter annotation for the field in api cmd class.`,
  );
}

export function successResponse(key: string, payload: unknown, json: boolean): SandboxResponse {
  return json ? { status: 200, body: { [key]: payload } } : xmlResponse(200, key, payload);
}

export function errorResponse(key: string, code: number, text: string, json: boolean): SandboxResponse {
  const body = { uuidList: [], errorcode: code, errortext: text, licensetype: LICENSE_TYPE };
  const headers = { 'X-Description': headerSafe(text) };
  if (!json) return { ...xmlResponse(code, key, body), headers: { ...headers, 'Content-Type': 'text/xml; charset=ISO-8859-1' } };
  return { status: code, headers, body: { [key]: body } };
}

function headerSafe(text: string): string {
  return text.replace(/[\r\n]+/g, ' ').replace(/[^\x20-\x7e]/g, '?');
}

/** Minimal XML as ElastiCenter sends without response=json (reference §1): one root element per key. */
function xmlResponse(status: number, key: string, payload: unknown): SandboxResponse {
  const body = `<?xml version="1.0" encoding="ISO-8859-1"?>\n  <${key} cloud-stack-version="${CLOUD_STACK_VERSION}">${xmlContent(payload)}\n</${key}>\n`;
  return { status, headers: { 'Content-Type': 'text/xml; charset=ISO-8859-1' }, body };
}

function xmlContent(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value !== 'object') return escapeXml(String(value));
  let out = '';
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    const items = Array.isArray(v) ? v : [v];
    for (const item of items) out += `\n  <${k}>${xmlContent(item)}</${k}>`;
  }
  return out;
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
