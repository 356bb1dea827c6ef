import type { StepTiming } from '../journal/types.js';
import { nowMs } from '../util/time.js';

/** Times each step of an operation; the list goes to the journal and into the result. */
export class StepClock {
  readonly steps: StepTiming[] = [];

  async time<T>(name: string, fn: () => Promise<T>, detail?: (value: T) => Record<string, unknown>): Promise<T> {
    const startedAt = new Date().toISOString();
    const t0 = nowMs();
    try {
      const value = await fn();
      this.steps.push({ name, status: 'ok', startedAt, durationMs: round(nowMs() - t0), ...(detail ? { detail: detail(value) } : {}) });
      return value;
    } catch (err) {
      this.steps.push({ name, status: 'failed', startedAt, durationMs: round(nowMs() - t0), detail: { error: (err as Error).message, code: (err as { code?: string }).code } });
      throw err;
    }
  }

  record(name: string, startedAtMs: number, durationMs: number, status: StepTiming['status'] = 'ok', detail?: Record<string, unknown>): void {
    this.steps.push({ name, status, startedAt: new Date(startedAtMs).toISOString(), durationMs: round(durationMs), ...(detail ? { detail } : {}) });
  }

  skip(name: string, reason: string): void {
    this.steps.push({ name, status: 'skipped', startedAt: new Date().toISOString(), durationMs: 0, detail: { reason } });
  }
}

export function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
