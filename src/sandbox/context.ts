import type { FaultRegistry } from './faults.js';
import type { Router } from './router.js';
import type { SandboxState } from './state.js';
import type { Transcript } from './transcript.js';

/**
 * What every emulated service gets: the shared state, the transcript, the faults. Its own module (not
 * server.ts) so that the services, the seed and the store can name it without importing the server.
 */
export interface SandboxContext {
  state: SandboxState;
  transcript: Transcript;
  faults: FaultRegistry;
  /** e.g. "http://127.0.0.1:40123" (no trailing slash). Known once listening. */
  baseUrl: string;
  /** Persists the state file (no-op for in-memory sandboxes). */
  save(): void;
  /** Directory for file-backed array images (undefined = not file-backed). */
  dataDir?: string;
}

export interface SandboxPlugin {
  name: string;
  /** Path prefix this plugin serves, e.g. "/compute"; used to name transcript entries. */
  prefixes: string[];
  register(router: Router, ctx: SandboxContext): void;
}
