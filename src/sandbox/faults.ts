import type { FaultRule } from './fault-rule.js';

interface ActiveRule extends FaultRule {
  id: number;
  seen: number;
  applied: number;
}

/**
 * Fault injection for tests and benchmarks: the registry of active rules (see fault-rule.ts for what a rule
 * matches and does). An agent rule acts inside the guest: the domain's agent is busy for its latency (a hang
 * lasts until the rule is removed), libvirt's timeouts apply. Rules are set at start (options) or at run
 * time (POST /_sandbox/faults).
 */
export class FaultRegistry {
  private rules: ActiveRule[] = [];
  private nextId = 1;
  private removedWaiters: Array<() => void> = [];

  /** Resolves once `rule` (as returned by take) is no longer registered: how a "hang" ends. */
  whenRemoved(rule: FaultRule): Promise<void> {
    return new Promise((resolve) => {
      const check = (): void => {
        if (this.rules.includes(rule as ActiveRule)) this.removedWaiters.push(check);
        else resolve();
      };
      check();
    });
  }

  private notifyRemoved(): void {
    for (const w of this.removedWaiters.splice(0)) w();
  }

  add(rule: FaultRule): number {
    const id = this.nextId++;
    this.rules.push({ ...rule, id, seen: 0, applied: 0 });
    return id;
  }

  remove(id: number): void {
    this.rules = this.rules.filter((r) => r.id !== id);
    this.notifyRemoved();
  }

  clear(): void {
    this.rules = [];
    this.notifyRemoved();
  }

  /** How many requests rule `id` has acted on so far (tests wait for this instead of sleeping). */
  appliedCount(id: number): number {
    return this.rules.find((r) => r.id === id)?.applied ?? 0;
  }

  list(): FaultRule[] {
    return this.rules.map(({ seen: _s, applied: _a, ...rule }) => rule);
  }

  /** Returns the first rule that applies to this request, counting it as used. */
  take(service: string, key?: string, target?: string): FaultRule | undefined {
    for (const rule of this.rules) {
      if (rule.service !== service) continue;
      if (rule.key !== undefined && !keyMatches(rule.key, key)) continue;
      if (rule.target !== undefined && rule.target !== target) continue;
      rule.seen++;
      if (rule.after !== undefined && rule.seen <= rule.after) continue;
      if (rule.times !== undefined && rule.applied >= rule.times) continue;
      rule.applied++;
      return rule;
    }
    return undefined;
  }
}

function keyMatches(ruleKey: string, key: string | undefined): boolean {
  if (key === undefined) return false;
  return ruleKey === key || (ruleKey.endsWith('*') && key.startsWith(ruleKey.slice(0, -1)));
}
