/**
 * Every error ccsnap raises carries a stable `code` from the catalogue in error-codes/ (docs/errors.md),
 * a one-line message fit for an operator, and the facts a user needs in `details`.
 * Messages and details must never contain secrets (passwords, tokens, API keys).
 */
import { exitStatusOf, isErrorCode, type CcsnapErrorCode } from './error-codes/index.js';

export type { CcsnapErrorCode } from './error-codes/index.js';
export type ErrorDetails = Record<string, unknown>;

/** An error as results and records carry it: a catalogued code and its one-line message. */
export interface CodedError {
  code: CcsnapErrorCode;
  message: string;
}

export class CcsnapError extends Error {
  readonly code: CcsnapErrorCode;
  readonly details: ErrorDetails;
  /** Process exit status the CLI uses for this error (1 = error, 2 = usage); the catalogue's by default. */
  readonly exitCode: number;

  constructor(code: CcsnapErrorCode, message: string, opts: { details?: ErrorDetails; cause?: unknown; exitCode?: number } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'CcsnapError';
    this.code = code;
    this.details = opts.details ?? {};
    this.exitCode = opts.exitCode ?? exitStatusOf(code);
  }
}

/** A usage error: bad flags or arguments. Exit status 2. */
export class UsageError extends CcsnapError {
  constructor(message: string, details: ErrorDetails = {}) {
    super('CCSNAP_USAGE', message, { details, exitCode: 2 });
    this.name = 'UsageError';
  }
}

export function isCcsnapError(err: unknown): err is CcsnapError {
  return err instanceof CcsnapError;
}

/** True when `err` is (or wraps) an abort caused by an AbortSignal. */
export function isAbortError(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  return err.name === 'AbortError' || err.name === 'TimeoutError' || (err as { code?: string }).code === 'ABORT_ERR';
}

/**
 * Wraps an unknown thrown value into a CcsnapError, keeping existing ones untouched. An error of another
 * component that carries a catalogued `code` (the sandbox's SandboxError, which cannot import this class)
 * keeps its code, message and details.
 */
export function toCcsnapError(err: unknown, code: CcsnapErrorCode = 'CCSNAP_INTERNAL'): CcsnapError {
  if (err instanceof CcsnapError) return err;
  if (isAbortError(err)) return new CcsnapError('CCSNAP_ABORTED', 'operation aborted', { cause: err });
  const own = err instanceof Error ? (err as { code?: unknown }).code : undefined;
  if (typeof own === 'string' && isErrorCode(own)) {
    const details = (err as { details?: unknown }).details;
    return new CcsnapError(own, (err as Error).message, { cause: err, ...(isDetails(details) ? { details } : {}) });
  }
  const message = err instanceof Error ? err.message : String(err);
  return new CcsnapError(code, message, { cause: err });
}

function isDetails(value: unknown): value is ErrorDetails {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
