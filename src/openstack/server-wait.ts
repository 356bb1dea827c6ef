import { CcsnapError } from '../errors.js';
import { sleep, throwIfAborted } from '../util/abort.js';
import { withDeadline } from '../util/deadline.js';
import type { Server } from './server-model.js';
import { getServerById } from './servers.js';
import type { Session } from './session.js';

export interface WaitOptions {
  /** How long to wait, in ms from now. */
  deadlineMs: number;
  /** Poll interval in ms (default 2000). */
  intervalMs?: number;
  signal?: AbortSignal;
}

/**
 * Polls GET /servers/{id} until its status is one of `wanted`. ERROR fails fast with
 * CCSNAP_INSTANCE_ERROR; the deadline gives CCSNAP_WAIT_TIMEOUT; the caller's signal CCSNAP_ABORTED.
 */
export async function waitForServerStatus(session: Session, id: string, wanted: string | readonly string[], opts: WaitOptions): Promise<Server> {
  const statuses = (typeof wanted === 'string' ? [wanted] : [...wanted]).map((s) => s.toUpperCase());
  const deadline = Date.now() + opts.deadlineMs;
  let last: Server | undefined;
  for (;;) {
    throwIfAborted(opts.signal);
    const remaining = deadline - Date.now();
    if (remaining <= 0) throw waitTimeout(id, statuses, opts.deadlineMs, last);
    try {
      last = await withDeadline(remaining, opts.signal, (signal) => getServerById(session, id, { signal }), `wait for ${id}`);
    } catch (err) {
      if (!opts.signal?.aborted && Date.now() >= deadline) throw waitTimeout(id, statuses, opts.deadlineMs, last);
      throw err;
    }
    if (statuses.includes(last.status.toUpperCase())) return last;
    if (last.status.toUpperCase() === 'ERROR') {
      throw new CcsnapError('CCSNAP_INSTANCE_ERROR', `instance ${id} went to ERROR${last.fault ? `: ${last.fault}` : ''}`, {
        details: { instance: id, name: last.name, status: last.status, fault: last.fault, wanted: statuses },
      });
    }
    await sleep(Math.max(0, Math.min(opts.intervalMs ?? 2_000, deadline - Date.now())), opts.signal);
  }
}

function waitTimeout(id: string, wanted: string[], deadlineMs: number, last: Server | undefined): CcsnapError {
  return new CcsnapError(
    'CCSNAP_WAIT_TIMEOUT',
    `instance ${id} did not reach ${wanted.join('/')} within ${deadlineMs} ms (last status ${last?.status ?? 'unknown'})`,
    {
      details: { instance: id, wanted, deadlineMs, lastStatus: last?.status, lastTaskState: last?.taskState },
    },
  );
}
