#!/usr/bin/env node
// Thaw latency on a real guest, persistent virsh session vs one-shot virsh (needs `npm run build` first).
//   node scripts/realvm/measure-thaw.mjs [DOMAIN] [ITERATIONS] [URI]     (defaults: ccsnap-realvm 20 qemu:///system)
// Prints one JSON object: { persistent: ThawLatencyReport, oneshot: ThawLatencyReport }.
import { measureThawLatency } from '../../dist/hypervisor/measure.js';

const [domain = process.env.REALVM_DOMAIN ?? 'ccsnap-realvm', iterations = '20', uri = process.env.REALVM_URI ?? 'qemu:///system'] = process.argv.slice(2);
const base = { uriTemplate: uri, virsh: 'virsh', agentTimeoutSec: 5, commandTimeoutMs: 20_000 };
const persistent = await measureThawLatency({ ...base, session: 'persistent' }, 'localhost', domain, Number(iterations));
const oneshot = await measureThawLatency({ ...base, session: 'oneshot' }, 'localhost', domain, Number(iterations));
console.log(JSON.stringify({ domain, persistent, oneshot }, null, 2));
