// One list run in its own process, so its peak RSS is the ccsnap side alone (the sandbox is another process).
//   node bench/lib/list-child.mjs URL MODE [JOURNAL]    MODE: ccsnap | seed | phases; JOURNAL: a journal.db to start from (copied)
// Prints one JSON line: {mode, wallMs, opCpuMs, instances, entries, maxRssKb, heapUsedMb, cpuUserMs, phases?}
// (opCpuMs: CPU of this process during the operation; cpuUserMs: user CPU of the whole process).
// wallMs covers the operation only (after module loading; a fresh Runtime, so it includes Keystone auth).
import { catalogSnapshots } from '../../dist/engine/catalog.js';
import { listSnapshots } from '../../dist/ops/list.js';
import { gatherInventory } from '../../dist/ops/inventory.js';
import { fetchSnapshotsByFs } from '../../dist/ops/snapshots.js';
import { getServerById, getVolume, listServers } from '../../dist/openstack/index.js';
import { mapLimited } from '../../dist/util/limit.js';
import { openBenchRuntime } from './runtime.mjs';

const [url, mode = 'ccsnap', journalFrom] = process.argv.slice(2);
if (!/^http:\/\/127\.0\.0\.1:\d+$/.test(url ?? '')) throw new Error('list-child: URL must be http://127.0.0.1:PORT');
const opened = await openBenchRuntime(url, journalFrom ? { journalFrom } : {});
const { rt } = opened;
let result;
const cpu0 = process.cpuUsage();
const t0 = performance.now();
try {
  if (mode === 'ccsnap') {
    const entries = await listSnapshots(rt, {});
    result = { entries: entries.length, instances: new Set(entries.map((e) => e.instance.id)).size };
  } else if (mode === 'seed') {
    result = await seedStyleList(rt);
  } else if (mode === 'phases') {
    result = await phasedList(rt);
  } else {
    throw new Error(`list-child: unknown mode ${mode}`);
  }
} finally {
  await opened.close();
}
const wallMs = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
const usage = process.resourceUsage();
process.stdout.write(
  `${JSON.stringify({ mode, wallMs, ...result, maxRssKb: usage.maxRSS, heapUsedMb: Math.round(process.memoryUsage().heapUsed / 2 ** 20), opCpuMs: Math.round((cpu.user + cpu.system) / 1000), cpuUserMs: Math.round(usage.userCPUTime / 1000) })}\n`,
);

/**
 * The seed post's way, made as fast as it can be: `nova list`, then `nova show` per instance
 * (GET /servers/{id}), `cinder show` per attached volume (GET /volumes/{id}), one listFileSystem, and one
 * listStorageSnapshots per array volume. Lookups run 16 at a time (the shell would run them one by one).
 */
async function seedStyleList(runtime) {
  const session = await runtime.session();
  const arrayName = runtime.arrays()[0].name;
  const array = runtime.array(arrayName);
  const servers = await listServers(session, { allTenants: true });
  const shown = await mapLimited(servers, 16, (s) => getServerById(session, s.id));
  const volumeIds = shown.flatMap((s) => s.volumeIds);
  const volumes = await mapLimited(volumeIds, 16, (id) => getVolume(session, id, { allTenants: true }));
  const filesystems = new Map((await array.listFileSystems()).map((f) => [f.name, f]));
  const onArray = volumes.map((v) => filesystems.get(v.id.replace(/-/g, ''))).filter(Boolean);
  const lists = await mapLimited(onArray, 16, (fs) => array.listStorageSnapshots({ fsId: fs.id }));
  return { instances: shown.length, entries: lists.reduce((n, l) => n + l.length, 0) };
}

/**
 * listSnapshots (src/ops/list.ts + src/ops/snapshots.ts) step by step, each step timed. The list itself
 * overlaps the journal with the inventory and makes entries as the lists arrive; here each step waits for
 * the one before, and the lists are all held before the catalog is made (so the peak RSS is not the list's).
 */
async function phasedList(runtime) {
  const phases = {};
  const time = async (name, fn) => {
    const t = performance.now();
    const out = await fn();
    phases[name] = Math.round(performance.now() - t);
    return out;
  };
  await time('auth', () => runtime.session());
  const inventory = await time('inventory', () => gatherInventory(runtime, {}));
  const sets = await time('journal', () => runtime.journal().listSets());
  const byFs = await time('listStorageSnapshots', () => fetchSnapshotsByFs(runtime, inventory.instances));
  const entries = await time('catalogSnapshots', () => catalogSnapshots(inventory.instances, byFs, sets));
  const cmp = (a, b) => (a < b ? -1 : a > b ? 1 : 0);
  await time('sort', () =>
    entries.sort(
      (a, b) =>
        cmp(a.instance.name, b.instance.name) ||
        cmp(b.created ?? '', a.created ?? '') ||
        cmp(a.setId ?? a.name, b.setId ?? b.name) ||
        (a.index ?? 0) - (b.index ?? 0),
    ),
  );
  return { entries: entries.length, instances: inventory.instances.length, phases };
}
