// A sandbox in its own process, so that the ccsnap side measured by the bench never shares an event
// loop (or a heap) with the emulator.
//   node bench/lib/sandbox-server.mjs '{"groups":[ScaleSpec, ...]}'
// The first group builds the state (no groups = an empty cloud: identity, types, array, no instances),
// later groups are added to it. Prints one JSON line {url, pid, buildMs, counts} and serves on 127.0.0.1
// until its stdin closes. With "novaPaging": true (the bench's default) the Nova/Cinder lists send a next
// link on a full default page, as real Nova does (see sandbox-shims.mjs).
import { addScaledServers, buildScaledState, startSandbox } from '../../dist/sandbox-entry.js';
import { pluginsWithNovaPaging } from './sandbox-shims.mjs';

const spec = JSON.parse(process.argv[2] ?? '{}');
const groups = spec.groups ?? [];
const t0 = performance.now();
const state = buildScaledState(groups[0] ?? { instances: 0, volumesPerInstance: 0, snapshotsPerVolume: 0 });
for (const g of groups.slice(1)) addScaledServers(state, g);
const buildMs = performance.now() - t0;
const sandbox = await startSandbox({ host: '127.0.0.1', port: 0, state, ...(spec.novaPaging ? { plugins: pluginsWithNovaPaging() } : {}) });
const counts = {
  servers: state.nova.servers.length,
  volumes: state.cinder.volumes.length,
  filesystems: state.array.filesystems.length,
  snapshots: state.array.snapshots.length,
};
process.stdout.write(`${JSON.stringify({ url: sandbox.url, pid: process.pid, buildMs: Math.round(buildMs), counts })}\n`);

let closing = false;
const shutdown = () => {
  if (closing) return;
  closing = true;
  sandbox.close().finally(() => process.exit(0));
};
process.stdin.on('end', shutdown);
process.stdin.on('error', shutdown);
process.on('SIGTERM', shutdown);
process.stdin.resume();
