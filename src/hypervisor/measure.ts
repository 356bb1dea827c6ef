import type { HypervisorConfig } from './types.js';
import { createHypervisorPool } from './pool.js';

export interface ThawLatencyReport {
  session: HypervisorConfig['session'];
  iterations: number;
  /** Milliseconds per thaw call as the caller sees it, sorted ascending. */
  thawMs: number[];
  medianMs: number;
  p95Ms: number;
  maxMs: number;
  /** Same for the freeze calls (including the guest-agent-timeout call before each). */
  freezeMedianMs: number;
}

/**
 * Freezes and thaws `domain` `iterations` times with the given config and reports the thaw latency (the cost
 * of the call that ends the frozen window). Run once with session 'persistent' and once with 'oneshot' to
 * compare. The guest is thawed in the end even when a call fails.
 */
export async function measureThawLatency(config: HypervisorConfig, host: string, domain: string, iterations = 10): Promise<ThawLatencyReport> {
  const pool = createHypervisorPool(config);
  const hv = pool.forHost(host);
  const thawMs: number[] = [];
  const freezeMs: number[] = [];
  try {
    await hv.ping(domain); // warm the session / connection
    for (let i = 0; i < iterations; i++) {
      let t = performance.now();
      await hv.freeze(domain);
      freezeMs.push(performance.now() - t);
      t = performance.now();
      await hv.thaw(domain);
      thawMs.push(performance.now() - t);
    }
  } finally {
    await hv.thaw(domain).catch(() => undefined);
    await pool.close();
  }
  thawMs.sort((a, b) => a - b);
  freezeMs.sort((a, b) => a - b);
  const pick = (a: number[], q: number): number => Math.round((a[Math.min(a.length - 1, Math.floor(q * a.length))] ?? NaN) * 10) / 10;
  return {
    session: config.session,
    iterations,
    thawMs: thawMs.map((x) => Math.round(x * 10) / 10),
    medianMs: pick(thawMs, 0.5),
    p95Ms: pick(thawMs, 0.95),
    maxMs: pick(thawMs, 1),
    freezeMedianMs: pick(freezeMs, 0.5),
  };
}
