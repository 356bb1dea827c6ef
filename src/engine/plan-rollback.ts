import { CcsnapError } from '../errors.js';
import { parseSnapshotName } from './names.js';
import type { ArraySnapshotInfo, InstanceInfo, RollbackSemantics, VolumeInfo } from './ports.js';

/** One member of the set to roll back to, as known from the journal or rebuilt from the array. */
export interface SetMemberRef {
  volumeId: string;
  arrayName: string;
  fsId: string;
  snapshotName: string;
}

export interface RollbackFacts {
  instance: InstanceInfo;
  setId: string;
  members: SetMemberRef[];
  /** The instance's volumes now (with array placement). */
  volumes: VolumeInfo[];
  /** listStorageSnapshots per filesystem id, oldest first (array order). */
  snapshotsByFs: Map<string, ArraySnapshotInfo[]>;
  semanticsByArray: (arrayName: string) => RollbackSemantics;
}

export interface RollbackOptions {
  discardNewer: boolean;
  partial: boolean;
  safety: boolean;
  /** Start the instance again afterwards (default: only if it was ACTIVE). */
  start?: boolean;
}

export interface RollbackVolumeStep {
  volumeId: string;
  arrayName: string;
  fsId: string;
  target: { name: string; path: string };
  /** Snapshots newer than the target on this filesystem: the array destroys them (or ccsnap deletes them first). */
  discard: Array<{ name: string; path: string; clones: number }>;
  /** How the newer snapshots go: deleted by ccsnap first (newest-only arrays) or destroyed by the array itself. */
  discardBy: 'ccsnap' | 'array' | 'none';
  /** The array's rollback semantics for this volume (apply re-checks the newer snapshots unless they are kept). */
  semantics: RollbackSemantics;
}

export interface RollbackPlan {
  kind: 'rollback';
  setId: string;
  instance: InstanceInfo;
  stop: boolean;
  start: boolean;
  /** A safety set of the current disks is taken first (arrays that keep newer snapshots). */
  safety: { take: boolean; reason: string };
  volumes: RollbackVolumeStep[];
  /** Array volumes of the instance that the set does not cover (only with --partial). */
  notCovered: string[];
  /** The plan in words, one numbered step a line (what the CLI prints; recorded with the plan in the journal). */
  steps: string[];
}

/** Builds the rollback plan or refuses; names every snapshot that will be destroyed. Pure. */
export function planRollback(facts: RollbackFacts, options: RollbackOptions): RollbackPlan {
  const { instance } = facts;
  if (instance.status !== 'ACTIVE' && instance.status !== 'SHUTOFF') {
    throw new CcsnapError('CCSNAP_INSTANCE_STATE', `instance ${instance.name} is ${instance.status}; rollback needs ACTIVE or SHUTOFF`);
  }
  const attached = new Map(facts.volumes.map((v) => [v.id, v]));
  const detached = facts.members.filter((m) => !attached.has(m.volumeId)).map((m) => m.volumeId);
  if (detached.length) {
    throw new CcsnapError('CCSNAP_ROLLBACK_VOLUME_DETACHED', `set ${facts.setId} has volumes no longer attached to ${instance.name}: ${detached.join(', ')}`, {
      details: { detached },
    });
  }
  // A volume another instance has attached too (multi-attach): its disk would change under that instance,
  // which nobody stops; the rollback is refused before anything happens.
  const shared = facts.members.flatMap((m) => {
    const others = attached.get(m.volumeId)?.sharedWith ?? [];
    return others.length ? [{ volumeId: m.volumeId, instances: others }] : [];
  });
  if (shared.length) {
    throw new CcsnapError(
      'CCSNAP_ROLLBACK_VOLUME_SHARED',
      `set ${facts.setId}: ${shared.map((s) => `volume ${s.volumeId} is also attached to instance ${s.instances.join(', ')}`).join('; ')}; a rollback would change that disk under ${shared.length === 1 && shared[0]!.instances.length === 1 ? 'it' : 'them'}; nothing was changed`,
      { details: { shared } },
    );
  }
  const covered = new Set(facts.members.map((m) => m.volumeId));
  const notCovered = facts.volumes.filter((v) => v.array && !covered.has(v.id)).map((v) => v.id);
  if (notCovered.length && !options.partial) {
    throw new CcsnapError(
      'CCSNAP_ROLLBACK_PARTIAL_SET',
      `set ${facts.setId} does not cover all array volumes of ${instance.name} (missing ${notCovered.join(', ')}); nothing was changed`,
      { details: { notCovered } },
    );
  }
  const volumes = facts.members.map((m) => planVolume(facts, m));
  checkDiscards(facts, volumes, options);
  const anyKeep = volumes.some((v) => facts.semanticsByArray(v.arrayName) === 'keep-newer');
  const safety = !options.safety
    ? { take: false, reason: 'disabled (--no-safety)' }
    : anyKeep
      ? { take: true, reason: 'the array keeps newer snapshots on rollback: the current disks are kept as a safety set first' }
      : { take: false, reason: 'the array destroys snapshots newer than the target, so a safety set would not survive the rollback' };
  const plan = {
    kind: 'rollback' as const,
    setId: facts.setId,
    instance,
    stop: instance.status === 'ACTIVE',
    start: options.start ?? instance.status === 'ACTIVE',
    safety,
    volumes,
    notCovered,
  };
  return { ...plan, steps: describeRollbackPlan(plan) };
}

/** The plan as numbered steps in the order apply runs them; indented lines under a step belong to it. */
export function describeRollbackPlan(plan: Omit<RollbackPlan, 'steps'>): string[] {
  const lines: string[] = [];
  let n = 0;
  const step = (text: string): void => void lines.push(`${++n}. ${text}`);
  step(plan.stop ? 'stop the instance and wait for SHUTOFF' : 'the instance is already stopped (SHUTOFF)');
  if (plan.safety.take) step('take a safety set of the current disks');
  for (const v of plan.volumes) {
    step(`roll back volume ${v.volumeId} to ${v.target.path}`);
    for (const d of v.discard) lines.push(`   DESTROYS newer snapshot ${d.path}${v.discardBy === 'ccsnap' ? ' (deleted by ccsnap first)' : ' (by the array)'}`);
  }
  if (plan.notCovered.length) lines.push(`   not rolled back (--partial): ${plan.notCovered.join(', ')}`);
  step(plan.start ? 'start the instance and wait for ACTIVE' : 'leave the instance stopped');
  return lines;
}

function planVolume(facts: RollbackFacts, m: SetMemberRef): RollbackVolumeStep {
  const snaps = facts.snapshotsByFs.get(m.fsId) ?? [];
  const index = snaps.findIndex((s) => s.name === m.snapshotName);
  if (index < 0) {
    throw new CcsnapError('CCSNAP_SNAPSHOT_MISSING', `snapshot ${m.snapshotName} of volume ${m.volumeId} is not on array ${m.arrayName}; nothing was changed`, {
      details: { member: m },
    });
  }
  const target = snaps[index]!;
  const newer = snaps.slice(index + 1).map((s) => ({ name: s.name, path: s.path, clones: s.clones }));
  const semantics = facts.semanticsByArray(m.arrayName);
  const discardBy = newer.length === 0 || semantics === 'keep-newer' ? 'none' : semantics === 'newest-only' ? 'ccsnap' : 'array';
  return {
    volumeId: m.volumeId,
    arrayName: m.arrayName,
    fsId: m.fsId,
    target: { name: target.name, path: target.path },
    discard: discardBy === 'none' ? [] : newer,
    discardBy,
    semantics,
  };
}

function checkDiscards(facts: RollbackFacts, volumes: RollbackVolumeStep[], options: RollbackOptions): void {
  const doomed = volumes.flatMap((v) => v.discard.map((d) => d.path));
  if (doomed.length && !options.discardNewer) {
    const listed = doomed.length <= 6;
    throw new CcsnapError(
      'CCSNAP_NEWER_SNAPSHOTS',
      `rolling ${facts.instance.name} back to set ${facts.setId} would destroy ${doomed.length} newer snapshot(s): ${listed ? doomed.join(', ') : summarize(volumes)}; nothing was changed`,
      { details: { newer: doomed, listed } },
    );
  }
  const cloned = volumes.flatMap((v) => v.discard.filter((d) => d.clones > 0).map((d) => d.path));
  if (cloned.length) {
    throw new CcsnapError('CCSNAP_ARRAY_HAS_CLONES', `newer snapshot(s) ${cloned.join(', ')} have clones and cannot be destroyed; nothing was changed`, {
      details: { cloned },
    });
  }
}

/** Many newer snapshots, grouped by ccsnap set (or named, for other tools' snapshots), for a readable one-line error. */
function summarize(volumes: RollbackVolumeStep[]): string {
  const sets = new Map<string, number>();
  for (const d of volumes.flatMap((v) => v.discard)) {
    const key = parseSnapshotName(d.name)?.setId ?? d.name;
    sets.set(key, (sets.get(key) ?? 0) + 1);
  }
  const parts = [...sets.entries()].map(([key, n]) => (/^[0-9a-f]{12}$/.test(key) ? `set ${key}` : key) + (n > 1 ? ` (${n} volumes)` : ''));
  return parts.length > 6 ? `${parts.slice(0, 6).join(', ')} and ${parts.length - 6} more` : parts.join(', ');
}
