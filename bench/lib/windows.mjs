import { fetchRetrying, frozenWindows } from './sandbox-proc.mjs';

/** The sandbox's whole state, and its hypervisor domains by name (each with its freeze/thaw events). */
export async function domainsOf(sb) {
  const res = await fetchRetrying(`${sb.url}/_sandbox/state`);
  const state = await res.json();
  return { state, domains: new Map(state.hypervisor.domains.map((d) => [d.name, d])) };
}

/**
 * The frozen windows that appeared between two domainsOf() samples, by compute host: [{from, to, ms, domain}]
 * on the sandbox's clock (Date.now(): 1 ms resolution).
 */
export function newWindows(before, after) {
  const byHost = new Map();
  for (const [name, d] of after.domains) {
    const skip = frozenWindows(before.domains.get(name)?.events ?? []).length;
    const fresh = frozenWindows(d.events)
      .slice(skip)
      .map((w) => ({ ...w, domain: name }));
    byHost.set(d.host, [...(byHost.get(d.host) ?? []), ...fresh]);
  }
  return byHost;
}
