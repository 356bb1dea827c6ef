import { CcsnapError, type CcsnapErrorCode } from '../errors.js';
import { assertMapped } from './mapped.js';
import { formatSnapshotName } from './names.js';
import type { InstanceInfo, VolumeInfo } from './ports.js';

export type FreezePolicy = 'required' | 'best-effort' | 'skip';

/** Facts gathered (by I/O) before planning; the plan itself is a pure function of them. */
export interface CreateFacts {
  instance: InstanceInfo;
  volumes: VolumeInfo[];
  uri: string;
  /** Result of the agent ping pre-check (undefined = not checked). */
  agent?: { ok: true } | { ok: false; code: CcsnapErrorCode; message: string };
  /** guest-fsfreeze-status before we start. */
  freezeStatus?: 'frozen' | 'thawed' | 'unknown';
  /** Another ccsnap operation holding the instance. */
  lockedBy?: string;
}

export interface CreateOptions {
  setId: string;
  now: Date;
  label?: string | null;
  bootOnly?: boolean;
  freeze: FreezePolicy;
  maxFreezeMs: number;
  /** A set made by a snapshot policy: the policy and the occurrence it serves (recorded on the set). */
  policy?: PolicyOccurrenceRef | null;
}

/** The snapshot policy and the occurrence id (`<policy>@<UTC instant>`) a set serves. */
export interface PolicyOccurrenceRef {
  name: string;
  occurrence: string;
}

export interface PlannedMember {
  volumeId: string;
  volumeName: string;
  device: string | null;
  bootable: boolean;
  arrayName: string;
  fsId: string;
  snapshotName: string;
}

export interface CreatePlan {
  kind: 'create';
  setId: string;
  createdAt: string;
  label: string | null;
  instance: InstanceInfo;
  uri: string;
  /** What will happen to the guest: freeze it, or not (with the reason). */
  freeze: { policy: FreezePolicy; willFreeze: boolean; reason?: string };
  maxFreezeMs: number;
  members: PlannedMember[];
  /** Attached volumes that are not snapshotted, with the reason. */
  skipped: Array<{ volumeId: string; reason: string }>;
  expectedConsistency: 'filesystem-consistent' | 'crash-consistent' | 'offline';
  /**
   * Why the set can be no better than crash-consistent although its guest is frozen (or shut off): a volume
   * another instance has attached too, which nobody freezes or stops, may change during the window.
   */
  sharedReason?: string;
  /** Set by a snapshot policy's run: the set records the policy and the occurrence. Absent: a manual set. */
  policy?: PolicyOccurrenceRef;
}

/** Builds the create plan, or throws the first pre-check that fails. Pure: no I/O. */
export function planCreate(facts: CreateFacts, options: CreateOptions): CreatePlan {
  const { instance } = facts;
  if (facts.lockedBy) {
    throw new CcsnapError('CCSNAP_LOCKED', `instance ${instance.name} (${instance.id}) is busy: ${facts.lockedBy}`, { details: { instance: instance.id } });
  }
  if (instance.status !== 'ACTIVE' && instance.status !== 'SHUTOFF') {
    throw new CcsnapError('CCSNAP_INSTANCE_STATE', `instance ${instance.name} is ${instance.status}; create needs ACTIVE (or SHUTOFF for an offline set)`, {
      details: { instance: instance.id, status: instance.status },
    });
  }
  assertMapped(instance, facts.volumes, 'nothing was frozen or snapshotted', (v) => !options.bootOnly || v.bootable);
  const { members, skipped } = chooseMembers(facts.volumes, options.bootOnly ?? false);
  if (members.length === 0) {
    throw new CcsnapError('CCSNAP_NO_ARRAY_VOLUMES', `instance ${instance.name} has no ${options.bootOnly ? 'boot ' : ''}volume on a snapshot-capable array`, {
      details: { instance: instance.id, skipped },
    });
  }
  const freeze = decideFreeze(facts, options.freeze);
  const shared = members.filter((v) => v.sharedWith?.length);
  const sharedReason = shared.length
    ? `${shared.map((v) => `volume ${v.id} is also attached to instance ${v.sharedWith!.join(', ')}`).join('; ')}, which is not frozen: crash-consistent at best`
    : undefined;
  const named = members.map((v, i) => ({
    volumeId: v.id,
    volumeName: v.name,
    device: v.device,
    bootable: v.bootable,
    arrayName: v.array!.name,
    fsId: v.array!.fsId,
    snapshotName: formatSnapshotName(options.setId, options.now, i + 1, members.length, options.label),
  }));
  return {
    kind: 'create',
    setId: options.setId,
    createdAt: options.now.toISOString(),
    label: options.label ?? null,
    instance,
    uri: facts.uri,
    freeze,
    maxFreezeMs: options.maxFreezeMs,
    members: named,
    skipped,
    expectedConsistency: sharedReason
      ? 'crash-consistent'
      : instance.status === 'SHUTOFF'
        ? 'offline'
        : freeze.willFreeze
          ? 'filesystem-consistent'
          : 'crash-consistent',
    ...(sharedReason ? { sharedReason } : {}),
    ...(options.policy ? { policy: { name: options.policy.name, occurrence: options.policy.occurrence } } : {}),
  };
}

function chooseMembers(volumes: VolumeInfo[], bootOnly: boolean): { members: VolumeInfo[]; skipped: CreatePlan['skipped'] } {
  const members: VolumeInfo[] = [];
  const skipped: CreatePlan['skipped'] = [];
  for (const v of volumes) {
    if (bootOnly && !v.bootable) skipped.push({ volumeId: v.id, reason: 'not the boot volume (--boot-only)' });
    else if (!v.array) skipped.push({ volumeId: v.id, reason: v.arrayReason ?? 'not on a snapshot-capable array' });
    else members.push(v);
  }
  return { members, skipped };
}

function decideFreeze(facts: CreateFacts, policy: FreezePolicy): CreatePlan['freeze'] {
  const { instance } = facts;
  if (instance.status === 'SHUTOFF') return { policy, willFreeze: false, reason: 'instance is shut off: its disks are quiet (offline set)' };
  if (policy === 'skip') return { policy, willFreeze: false, reason: 'freeze skipped (--freeze skip)' };
  const problem = freezeProblem(facts);
  if (!problem) return { policy, willFreeze: true };
  if (policy === 'required') {
    throw new CcsnapError(
      problem.code,
      `cannot freeze ${instance.name} (${instance.domain}): ${problem.message}; nothing was snapshotted (use --freeze best-effort to take a crash-consistent set)`,
      {
        details: { instance: instance.id, domain: instance.domain },
      },
    );
  }
  return { policy, willFreeze: false, reason: `guest cannot be frozen: ${problem.message}` };
}

function freezeProblem(facts: CreateFacts): { code: CcsnapErrorCode; message: string } | undefined {
  if (facts.agent && !facts.agent.ok) return { code: facts.agent.code, message: facts.agent.message };
  if (facts.freezeStatus === 'frozen') return { code: 'CCSNAP_HV_ALREADY_FROZEN', message: 'the guest is already frozen by someone else' };
  return undefined;
}
