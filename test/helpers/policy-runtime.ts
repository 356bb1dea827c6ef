import { parsePolicies } from '../../src/policy/parse.js';
import type { Policy } from '../../src/policy/types.js';
import { Runtime } from '../../src/runtime.js';
import type { SandboxRuntime } from './sandbox-runtime.js';

/**
 * A Runtime on a test sandbox whose settings carry these policies (raw, as in the config file), on the
 * sandbox runtime's journal (or `journalPath`). The caller closes it (before the sandbox runtime).
 */
export function withPolicies(sb: SandboxRuntime, raw: unknown[], now: Date, opts: { journalPath?: string } = {}): { rt: Runtime; policies: Policy[] } {
  const policies = parsePolicies(raw, sb.rt.settings.create, now);
  const rt = new Runtime({ ...sb.rt.options, ...(opts.journalPath ? { journalPath: opts.journalPath } : {}), settings: { ...sb.rt.settings, policies } });
  return { rt, policies };
}
