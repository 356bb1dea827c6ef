import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { measureThawLatency } from '../../src/hypervisor/index.js';
import { realvm, skipReason } from './realvm.js';

const vm = realvm();
if (!vm) console.warn(`[test:libvirt] latency measurement skipped: ${skipReason()}`);

// Not a timing assertion: it records the numbers (thaw-latency.json in the work dir) for the benchmark report.
describe.skipIf(!vm)('real libvirt guest: thaw latency, persistent session vs one-shot', () => {
  it('measures both', async () => {
    const v = vm!;
    const base = { uriTemplate: v.uri, virsh: 'virsh', agentTimeoutSec: 5, commandTimeoutMs: 20_000 };
    const iterations = Number(process.env.REALVM_LATENCY_ITERATIONS ?? 15);
    const persistent = await measureThawLatency({ ...base, session: 'persistent' }, 'localhost', v.domain, iterations);
    const oneshot = await measureThawLatency({ ...base, session: 'oneshot' }, 'localhost', v.domain, iterations);
    const report = { at: new Date().toISOString(), domain: v.domain, setupMs: v.setupMs, bootMs: v.bootMs, persistent, oneshot };
    writeFileSync(join(v.work, 'thaw-latency.json'), `${JSON.stringify(report, null, 2)}\n`);
    console.log(
      `[test:libvirt] thaw latency over ${iterations} cycles: persistent median ${persistent.medianMs} ms (p95 ${persistent.p95Ms}, max ${persistent.maxMs}); ` +
        `one-shot median ${oneshot.medianMs} ms (p95 ${oneshot.p95Ms}, max ${oneshot.maxMs}); freeze median ${persistent.freezeMedianMs} / ${oneshot.freezeMedianMs} ms`,
    );
    expect(persistent.thawMs).toHaveLength(iterations);
    expect(oneshot.thawMs).toHaveLength(iterations);
  });
});
