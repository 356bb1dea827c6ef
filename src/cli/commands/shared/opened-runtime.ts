import type { Runtime } from '../../../index.js';

/**
 * A command's Runtime and how to release it (and the sandbox it runs on, if any). Its own module: both
 * open-runtime.ts and the --sandbox glue it imports dynamically (cli/sandbox-session.ts) name it.
 */
export interface OpenedRuntime {
  rt: Runtime;
  /** Set when ccsnap runs against its built-in sandbox. */
  sandboxUrl?: string;
  close(): Promise<void>;
}
