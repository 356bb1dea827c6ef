/** ccsnap library entry point. The library never imports the CLI. */
export { CcsnapError, UsageError, isCcsnapError } from './errors.js';
export { startSandbox } from './sandbox/index.js';
