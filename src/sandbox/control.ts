import type { Router } from './router.js';
import type { SandboxContext } from './context.js';
import type { FaultRule } from './fault-rule.js';

/**
 * The sandbox's own control API (not part of any emulated service):
 *   GET    /_sandbox/transcript?since=N   requests served since seq N (the newest ones kept; firstSeq: the oldest kept)
 *   GET    /_sandbox/state                the whole state
 *   GET    /_sandbox/info                 small facts: the array's rollback policy, the region
 *   GET    /_sandbox/faults               active fault rules
 *   POST   /_sandbox/faults               add a rule (JSON FaultRule) -> {id}
 *   DELETE /_sandbox/faults               clear all rules
 */
export function registerControl(router: Router, ctx: SandboxContext): void {
  router.get('/_sandbox/transcript', (req) => ({
    status: 200,
    body: { transcript: ctx.transcript.list(Number(req.query.get('since') ?? 0)), firstSeq: ctx.transcript.firstSeq() },
  }));
  router.get('/_sandbox/state', () => ({ status: 200, body: ctx.state }));
  router.get('/_sandbox/info', () => ({ status: 200, body: { rollbackPolicy: ctx.state.array.rollbackPolicy, region: ctx.state.region } }));
  router.get('/_sandbox/faults', () => ({ status: 200, body: { faults: ctx.faults.list() } }));
  router.post('/_sandbox/faults', (req) => {
    const rule = req.body as FaultRule | undefined;
    if (!rule || typeof rule.service !== 'string') return { status: 400, body: { error: 'body must be a JSON fault rule with "service"' } };
    return { status: 201, body: { id: ctx.faults.add(rule) } };
  });
  router.delete('/_sandbox/faults', () => {
    ctx.faults.clear();
    return { status: 204 };
  });
}
