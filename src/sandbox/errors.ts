/**
 * The emulator's own error: it imports nothing from ccsnap (it is an independent oracle), so it does not
 * throw CcsnapError. Its codes are catalogued with ccsnap's (src/error-codes/sandbox.ts), and ccsnap's
 * `toCcsnapError` keeps a catalogued `code`, so the CLI prints them like any other.
 */
export type SandboxErrorCode = 'CCSNAP_SANDBOX_STATE' | 'CCSNAP_SANDBOX_PORT';

export class SandboxError extends Error {
  readonly code: SandboxErrorCode;
  readonly details: Record<string, unknown>;

  constructor(code: SandboxErrorCode, message: string, opts: { details?: Record<string, unknown>; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'SandboxError';
    this.code = code;
    this.details = opts.details ?? {};
  }
}
