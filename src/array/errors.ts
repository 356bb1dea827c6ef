import { CcsnapError, type CcsnapErrorCode } from '../errors.js';

/** Stable error codes raised by the ElastiCenter client. */
export const ARRAY_ERROR_CODES = {
  auth: 'CCSNAP_ARRAY_AUTH',
  param: 'CCSNAP_ARRAY_PARAM',
  unknownCommand: 'CCSNAP_ARRAY_UNKNOWN_COMMAND',
  internal: 'CCSNAP_ARRAY_INTERNAL',
  badResponse: 'CCSNAP_ARRAY_BAD_RESPONSE',
  timeout: 'CCSNAP_ARRAY_TIMEOUT',
  unreachable: 'CCSNAP_ARRAY_UNREACHABLE',
  connectionReset: 'CCSNAP_ARRAY_CONNECTION_RESET',
  tls: 'CCSNAP_ARRAY_TLS',
  hasClones: 'CCSNAP_ARRAY_HAS_CLONES',
  /** The same refusal as ccsnap's own plan-time check: one code for "a rollback would destroy newer snapshots". */
  newerSnapshots: 'CCSNAP_NEWER_SNAPSHOTS',
  snapshotExists: 'CCSNAP_ARRAY_SNAPSHOT_EXISTS',
  snapshotNotFound: 'CCSNAP_ARRAY_SNAPSHOT_NOT_FOUND',
  createUnknown: 'CCSNAP_ARRAY_CREATE_UNKNOWN',
  badName: 'CCSNAP_ARRAY_BAD_NAME',
  fsNotFound: 'CCSNAP_ARRAY_FS_NOT_FOUND',
  fsAmbiguous: 'CCSNAP_ARRAY_FS_AMBIGUOUS',
} as const satisfies Record<string, CcsnapErrorCode>;

export type ArrayErrorCode = (typeof ARRAY_ERROR_CODES)[keyof typeof ARRAY_ERROR_CODES];

export interface ArrayErrorFacts {
  command: string;
  /** HTTP status (the array sets it to the error code). */
  status: number;
  /** `errorcode` from the body, when there was one. */
  errorcode?: number;
  errortext: string;
  array: string;
  /** The request URL with the API key removed. */
  url: string;
}

/** Maps an error answer to a CcsnapError: by text for known ZFS refusals, else by code (401/431/432/other). */
export function classifyArrayError(facts: ArrayErrorFacts): CcsnapError {
  const code = facts.errorcode ?? facts.status;
  const text = oneLine(facts.errortext);
  const details: Record<string, unknown> = { ...facts, errortext: text };
  const message = `array ${facts.array}: ${facts.command} failed (HTTP ${facts.status}${facts.errorcode !== undefined && facts.errorcode !== facts.status ? `, errorcode ${facts.errorcode}` : ''}): ${text || 'no error text'}`;
  const byText = codeFromText(text);
  if (byText) {
    if (byText === ARRAY_ERROR_CODES.newerSnapshots) details.newer = newerPathsFrom(text);
    return new CcsnapError(byText, message, { details });
  }
  return new CcsnapError(codeFromStatus(code), message, { details });
}

function codeFromStatus(code: number): ArrayErrorCode {
  if (code === 401) return ARRAY_ERROR_CODES.auth;
  if (code === 431) return ARRAY_ERROR_CODES.param;
  if (code === 432) return ARRAY_ERROR_CODES.unknownCommand;
  return ARRAY_ERROR_CODES.internal;
}

function codeFromText(text: string): ArrayErrorCode | undefined {
  if (/has a clone/i.test(text)) return ARRAY_ERROR_CODES.hasClones;
  if (/more recent snapshots/i.test(text)) return ARRAY_ERROR_CODES.newerSnapshots;
  if (/could not find any snapshots to destroy/i.test(text)) return ARRAY_ERROR_CODES.snapshotNotFound;
  if (/dataset already exists/i.test(text)) return ARRAY_ERROR_CODES.snapshotExists;
  if (/dataset does not exist/i.test(text)) return ARRAY_ERROR_CODES.snapshotNotFound;
  return undefined;
}

/** ZFS lists the newer snapshots after "the following snapshots ...:"; any `a/b@c` words there are paths. */
export function newerPathsFrom(text: string): string[] {
  const idx = text.search(/following snapshots/i);
  const tail = idx >= 0 ? text.slice(idx) : text;
  const after = tail.includes(':') ? tail.slice(tail.indexOf(':') + 1) : tail;
  return [...after.matchAll(/[^\s'",;:]+@[^\s'",;:]+/g)].map((m) => m[0]);
}

export function oneLine(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, ' ').trim();
}

/** Replaces every occurrence of `secret` (raw and percent-encoded) in `text`. */
export function redact(text: string, secret: string): string {
  if (!secret) return text;
  let out = text;
  for (const form of new Set([secret, encodeURIComponent(secret)])) out = out.split(form).join('***');
  return out;
}
