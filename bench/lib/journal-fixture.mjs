import { parseSnapshotName } from '../../dist/engine/names.js';
import { SqliteJournal } from '../../dist/journal/sqlite/journal.js';
import { buildScaledState } from '../../dist/sandbox-entry.js';

/** The step timings a create journals (as `ccsnap create` on the sandbox writes them: ~600 bytes of JSON). */
function stepsOf(set) {
  const t = Date.parse(set.createdAt);
  const at = (ms) => new Date(t + ms).toISOString();
  return [
    { name: 'arm-watchdog', status: 'ok', startedAt: at(0), durationMs: 14.71 },
    { name: 'freeze', status: 'ok', startedAt: at(15), durationMs: 4.244 },
    {
      name: 'snapshot',
      status: 'ok',
      startedAt: at(19),
      durationMs: 3,
      detail: { members: set.members.map((m) => ({ volumeId: m.volumeId, durationMs: 2.734 })) },
    },
    { name: 'thaw', status: 'ok', startedAt: at(22), durationMs: 4, detail: { attempts: 1, thawedFilesystems: set.members.length, errors: [] } },
    { name: 'disarm-watchdog', status: 'ok', startedAt: at(26), durationMs: 0.961 },
    { name: 'lookup-paths', status: 'ok', startedAt: at(27), durationMs: 1.962 },
  ];
}

/**
 * A journal that knows every ccsnap-named snapshot of a scaled state as a complete set, as it would after
 * ccsnap made them. The state is rebuilt from its spec (the generator is deterministic, so the ids match
 * the sandbox's), and every set carries the step timings a real create journals. Returns the number of sets written.
 */
export function writeMatchingJournal(path, spec, arrayName = 'sandbox') {
  const state = buildScaledState(spec);
  const fsById = new Map(state.array.filesystems.map((f) => [f.id, f]));
  const volumeByFsName = new Map(state.cinder.volumes.map((v) => [v.id.replace(/-/g, ''), v]));
  const serverById = new Map(state.nova.servers.map((s) => [s.id, s]));
  const sets = new Map();
  for (const snap of state.array.snapshots) {
    const parsed = parseSnapshotName(snap.name);
    const fs = fsById.get(snap.fsId);
    const volume = fs && volumeByFsName.get(fs.name);
    const server = volume && serverById.get(volume.attachments[0]?.serverId);
    if (!parsed || !server) continue;
    let set = sets.get(parsed.setId);
    if (!set) {
      set = {
        id: parsed.setId,
        instanceId: server.id,
        instanceName: server.name,
        label: null,
        createdAt: parsed.createdAt.toISOString(),
        opId: `bench-${parsed.setId}`,
        members: [],
      };
      sets.set(parsed.setId, set);
    }
    set.members.push({
      volumeId: volume.id,
      arrayName,
      fsId: fs.id,
      snapshotName: snap.name,
      path: `${fs.pool}/OPENSTACK_ACCOPENSTACK_VSM/${fs.name}@${snap.name}`,
    });
  }
  // One transaction for the whole fixture (a SQLite-only batch; the journal port itself has none).
  const journal = SqliteJournal.open(path);
  try {
    journal.batch(() => {
      for (const set of sets.values()) {
        void journal.insertSet(set);
        for (const m of set.members) void journal.updateMember(set.id, m.volumeId, { state: 'created', path: m.path });
        void journal.finishSet(set.id, { state: 'complete', consistency: 'filesystem-consistent', frozenMs: 3, steps: stepsOf(set) });
      }
    });
  } finally {
    journal.close();
  }
  return sets.size;
}
