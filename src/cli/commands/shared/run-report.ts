import type { RunReport } from '../../../index.js';
import type { CommandContext, CommandResult } from '../../types.js';
import { listResult } from '../../views/field-table.js';
import { RUN_VIEW, runRows } from '../../views/run-due.js';

/**
 * A run's report as rows; one stderr line per failed instance or policy; "nothing is due" (with the next
 * occurrences) when the run did nothing. Exit 1 when an instance failed or a policy could not run;
 * missed instances and undelivered notifications are warnings (logged while the run ran).
 */
export function presentRun(ctx: CommandContext, report: RunReport, nothing: boolean): CommandResult {
  let failed = false;
  for (const p of report.policies) {
    if (p.error) {
      failed = true;
      ctx.stderr.write(`ccsnap: error: ${p.policy}: ${p.error.message} [${p.error.code}]\n`);
    }
    for (const o of p.occurrences) {
      for (const i of o.instances.filter((x) => x.outcome === 'failed')) {
        failed = true;
        ctx.stderr.write(`ccsnap: error: ${p.policy}: ${i.instanceName}: ${i.message ?? 'failed'} [${i.errorCode ?? 'CCSNAP_CREATE_FAILED'}]\n`);
      }
    }
  }
  if (nothing && !ctx.globals.quiet) {
    const next = report.policies.map((p) => `${p.policy} at ${p.next ?? 'never'}`).join(', ');
    ctx.stderr.write(`ccsnap: nothing is due${next ? ` (next: ${next})` : ' (no policies configured)'}\n`);
  }
  return listResult(RUN_VIEW, runRows(report), failed ? 1 : 0);
}
