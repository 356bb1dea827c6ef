import { measureThawLatency } from '../../dist/hypervisor/measure.js';
import { sandboxHypervisorConfig } from '../../dist/sandbox-entry.js';
import { spawnSandbox } from '../lib/sandbox-proc.mjs';
import { summarize } from '../lib/stats.mjs';

/**
 * Thaw latency (the call that ends the frozen window) with a persistent virsh session vs one virsh process
 * per command, via measureThawLatency (src/hypervisor/measure.ts).
 *   real:    the QEMU guest of scripts/realvm/setup.sh, when REALVM_URI and REALVM_DOMAIN are set
 *            (REALVM_VIRSH overrides the virsh program); otherwise "not available".
 *   sandbox: the same measurement through bin/sandbox-virsh.js (an emulator: shows the process cost only).
 */
export async function benchThaw({ iterations = 30, log = () => {} } = {}) {
  const real = await measureReal(iterations, log);
  const sandbox = await measureSandbox(iterations, log);
  return { real, sandbox };
}

async function measureReal(iterations, log) {
  const uri = process.env.REALVM_URI;
  const domain = process.env.REALVM_DOMAIN;
  if (!uri || !domain)
    return { available: false, reason: 'not available: REALVM_URI/REALVM_DOMAIN not set (run scripts/realvm/setup.sh as root and export its output)' };
  const base = { uriTemplate: uri, virsh: process.env.REALVM_VIRSH ?? 'virsh', agentTimeoutSec: 5, commandTimeoutMs: 15_000 };
  const rows = [];
  for (const session of ['persistent', 'oneshot']) {
    log(`thaw: real guest ${domain} at ${uri}, ${session}, ${iterations} iterations`);
    try {
      rows.push(rowOf(await measureThawLatency({ ...base, session }, '', domain, iterations)));
    } catch (err) {
      return { available: false, reason: `real guest measurement failed: ${err.message}`, rows };
    }
  }
  return { available: true, uri, domain, rows };
}

async function measureSandbox(iterations, log) {
  const sb = await spawnSandbox({ groups: [{ instances: 1, volumesPerInstance: 1, snapshotsPerVolume: 0, hosts: 1, namePrefix: 'thaw' }] });
  try {
    const rows = [];
    for (const session of ['persistent', 'oneshot']) {
      log(`thaw: sandbox-virsh, ${session}, ${iterations} iterations`);
      rows.push(rowOf(await measureThawLatency(sandboxHypervisorConfig(sb.url, { session }), 'compute-1', 'instance-00000001', iterations)));
    }
    return { available: true, rows };
  } finally {
    await sb.close();
  }
}

function rowOf(report) {
  return { session: report.session, iterations: report.iterations, thawMs: summarize(report.thawMs), freezeMedianMs: report.freezeMedianMs };
}
