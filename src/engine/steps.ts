import type { StepTiming } from '../journal/types.js';
import { nowMs } from '../util/time.js';

/**
 * Times each step of an operation; the list goes into the result (and the set's record). `onStep`
 * sees each step as it ends, for an apply that journals its steps as they happen (rollback: recover
 * resumes from them). `time` returns only once its step (and every step before it) is journaled; `settle`
 * waits for the steps `record`/`skip` journal.
 */
export class StepClock {
  readonly steps: StepTiming[] = [];
  private journaled: Promise<void> = Promise.resolve();

  constructor(private readonly onStep?: (step: StepTiming) => void | Promise<void>) {}

  /** Times `fn`; `detail` describes the step whether it succeeds or fails (a failure adds the error and its code). */
  async time<T>(name: string, fn: () => Promise<T>, detail?: Record<string, unknown>): Promise<T> {
    const startedAt = new Date().toISOString();
    const t0 = nowMs();
    try {
      const value = await fn();
      await this.push({ name, status: 'ok', startedAt, durationMs: round(nowMs() - t0), ...(detail ? { detail } : {}) });
      return value;
    } catch (err) {
      await this.push({
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
    void this.push({ name, status, startedAt: new Date(startedAtMs).toISOString(), durationMs: round(durationMs), ...(detail ? { detail } : {}) });
  }

  skip(name: string, reason: string): void {
    void this.push({ name, status: 'skipped', startedAt: new Date().toISOString(), durationMs: 0, detail: { reason } });
  }

  /** Resolves when every step so far is journaled; rejects with the first journal write that failed. */
  settle(): Promise<void> {
    return this.journaled;
  }

  private push(step: StepTiming): Promise<void> {
    this.steps.push(step);
    const onStep = this.onStep;
    if (!onStep) return this.journaled;
    this.journaled = this.journaled.then(() => onStep(step));
    // A failure surfaces through time() or settle(); never as an unhandled rejection of record/skip.
    this.journaled.catch(() => undefined);
    return this.journaled;
  }
}

export function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
