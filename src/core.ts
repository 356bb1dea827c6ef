/**
 * ccsnap's light public entry (`ccsnap/core`): the errors, the error catalogue and the value parsers — what a
 * client needs before it does any I/O. It loads no HTTP, database or hypervisor module, so a CLI can use it
 * while it parses arguments and still start fast: every module here is one `ccsnap --help` loads, so keep it
 * that small. `ccsnap` (src/index.ts) re-exports all of it.
 */
export { CcsnapError, UsageError, isCcsnapError, isAbortError, toCcsnapError, type CodedError, type ErrorDetails } from './errors.js';
export { ERROR_CODES, isErrorCode, exitStatusOf, type CcsnapErrorCode, type ErrorCodeInfo } from './error-codes/index.js';
export { parseDuration, parseAge } from './util/time.js';
