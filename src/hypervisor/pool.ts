import type { Hypervisor, HypervisorConfig, HypervisorLease, HypervisorPool, VirshRunner } from './types.js';
import { uriForHost, validateUriTemplate } from './uri.js';
import { createOneshotRunner } from './virsh-oneshot.js';
import { createSessionRunner } from './virsh-session.js';
import { createVirshHypervisor } from './virsh-driver.js';

/**
 * Hypervisor access per compute host. `forHost` shares one runner (persistent virsh session or
 * one-shot) per URI. `lease` hands out a runner of its own for as long as the lease is held, so one
 * guest's thaw never waits behind another guest's freeze on the same host; released runners are
 * reused, so a host ends up with as many sessions as operations ran on it at once.
 */
export function createHypervisorPool(config: HypervisorConfig): HypervisorPool {
  validateUriTemplate(config.uriTemplate);
  const shared = new Map<string, VirshRunner>();
  const idle = new Map<string, VirshRunner[]>();
  const all: VirshRunner[] = [];
  const newRunner = (uri: string): VirshRunner => {
    const opts = { virsh: config.virsh, uri, ...(config.env ? { env: config.env } : {}) };
    const runner = config.session === 'oneshot' ? createOneshotRunner(opts) : createSessionRunner(opts);
    all.push(runner);
    return runner;
  };
  const hypervisorOn = (runner: VirshRunner): Hypervisor =>
    createVirshHypervisor({
      runner,
      virsh: config.virsh,
      agentTimeoutSec: config.agentTimeoutSec,
      commandTimeoutMs: config.commandTimeoutMs,
    });
  const uriFor = (host: string): string => uriForHost(config.uriTemplate, host);
  return {
    uriFor,
    forHost(host: string): Hypervisor {
      const uri = uriFor(host);
      let runner = shared.get(uri);
      if (!runner) {
        runner = newRunner(uri);
        shared.set(uri, runner);
      }
      return hypervisorOn(runner);
    },
    lease(host: string): HypervisorLease {
      const uri = uriFor(host);
      const runner = idle.get(uri)?.pop() ?? newRunner(uri);
      let released = false;
      return {
        hypervisor: hypervisorOn(runner),
        release() {
          if (released) return;
          released = true;
          idle.set(uri, [...(idle.get(uri) ?? []), runner]);
        },
      };
    },
    async close() {
      const runners = [...all];
      all.length = 0;
      shared.clear();
      idle.clear();
      await Promise.all(runners.map((r) => r.close()));
    },
  };
}
