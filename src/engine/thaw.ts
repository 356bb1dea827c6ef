import type { HypervisorPort } from './ports.js';

export interface ThawOutcome {
  /** True when guest-fsfreeze-status reported "thawed" after our thaw. */
  verified: boolean;
  attempts: number;
  /** Epoch ms when the first thaw call returned (successfully or not). */
  firstThawDoneAt: number;
  errors: string[];
}

export interface ThawOptions {
  /** Fresh deadline for each thaw or status call; never the caller's (possibly aborted) signal. */
  callTimeoutMs: number;
  maxAttempts?: number;
  retryDelayMs?: number;
}

/**
 * Thaws the guest and checks guest-fsfreeze-status, re-thawing until it reports "thawed".
 * Each call runs under its own fresh deadline: an aborted operation must still thaw.
 */
export async function thawVerified(hv: HypervisorPort, domain: string, options: ThawOptions): Promise<ThawOutcome> {
  const maxAttempts = options.maxAttempts ?? 5;
  const errors: string[] = [];
  let firstThawDoneAt = 0;
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    try {
      await hv.thaw(domain, { signal: AbortSignal.timeout(options.callTimeoutMs) });
    } catch (err) {
      errors.push(`thaw: ${(err as Error).message}`);
    }
    if (firstThawDoneAt === 0) firstThawDoneAt = performance.timeOrigin + performance.now();
    try {
      const status = await hv.freezeStatus(domain, { signal: AbortSignal.timeout(options.callTimeoutMs) });
      if (status === 'thawed') return { verified: true, attempts: attempt, firstThawDoneAt, errors };
      errors.push(`status after thaw attempt ${attempt}: frozen`);
    } catch (err) {
      errors.push(`status: ${(err as Error).message}`);
    }
    if (attempt < maxAttempts) await new Promise((r) => setTimeout(r, options.retryDelayMs ?? 100));
  }
  return { verified: false, attempts: maxAttempts, firstThawDoneAt, errors };
}
