import type { StepTiming } from '../journal/types.js';
import { nowMs } from '../util/time.js';

/**
 * Times each step of an operation; the list goes into the result (and the set's record). `onStep`
 * sees each step as it ends, for an apply that journals its steps as they happen (rollback: recover
 * resumes from them).
 */
export class StepClock {
  readonly steps: StepTiming[] = [];

  constructor(private readonly onStep?: (step: StepTiming) => void) {}

  /** Times `fn`; `detail` describes the step whether it succeeds or fails (a failure adds the error and its code). */
  async time<T>(name: string, fn: () => Promise<T>, detail?: Record<string, unknown>): Promise<T> {
    const startedAt = new Date().toISOString();
    const t0 = nowMs();
    try {
      const value = await fn();
      this.push({ name, status: 'ok', startedAt, durationMs: round(nowMs() - t0), ...(detail ? { detail } : {}) });
      return value;
    } catch (err) {
      this.push({
        name,
        status: 'failed',
        startedAt,
        durationMs: round(nowMs() - t0),
        detail: { ...detail, error: (err as Error).message, code: (err as { code?: string }).code },
      });
      throw err;
    }
  }

  record(name: string, startedAtMs: number, durationMs: number, status: StepTiming['status'] = 'ok', detail?: Record<string, unknown>): void {
    this.push({ name, status, startedAt: new Date(startedAtMs).toISOString(), durationMs: round(durationMs), ...(detail ? { detail } : {}) });
  }

  skip(name: string, reason: string): void {
    this.push({ name, status: 'skipped', startedAt: new Date().toISOString(), durationMs: 0, detail: { reason } });
  }

  private push(step: StepTiming): void {
    this.steps.push(step);
    this.onStep?.(step);
  }
}

export function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
