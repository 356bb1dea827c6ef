import type { Hypervisor, HypervisorConfig, HypervisorPool, VirshRunner } from './types.js';
import { uriForHost, validateUriTemplate } from './uri.js';
import { createOneshotRunner } from './virsh-oneshot.js';
import { createSessionRunner } from './virsh-session.js';
import { createVirshHypervisor } from './virsh-driver.js';

/** Hypervisor access per compute host; one runner (persistent virsh session or one-shot) per distinct URI. */
export function createHypervisorPool(config: HypervisorConfig): HypervisorPool {
  validateUriTemplate(config.uriTemplate);
  const runners = new Map<string, VirshRunner>();
  const runnerFor = (uri: string): VirshRunner => {
    let runner = runners.get(uri);
    if (!runner) {
      const opts = { virsh: config.virsh, uri, ...(config.env ? { env: config.env } : {}) };
      runner = config.session === 'oneshot' ? createOneshotRunner(opts) : createSessionRunner(opts);
      runners.set(uri, runner);
    }
    return runner;
  };
  const uriFor = (host: string): string => uriForHost(config.uriTemplate, host);
  return {
    uriFor,
    forHost(host: string): Hypervisor {
      return createVirshHypervisor({
        runner: runnerFor(uriFor(host)),
        virsh: config.virsh,
        agentTimeoutSec: config.agentTimeoutSec,
        commandTimeoutMs: config.commandTimeoutMs,
      });
    },
    async close() {
      const all = [...runners.values()];
      runners.clear();
      await Promise.all(all.map((r) => r.close()));
    },
  };
}
