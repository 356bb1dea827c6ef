/**
 * The daemon suite's ONE way to the sandbox: every file of test/daemon/ gets it from here. When the
 * sandbox moves behind the package's `ccsnap/sandbox` entry, only these lines change.
 */
export { startSandboxRuntime, type SandboxRuntime } from '../../helpers/sandbox-runtime.js';
export type { FaultRule, SandboxState } from '../../../src/sandbox/index.js';
