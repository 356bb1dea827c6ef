import { applyCreate, type CreateResult } from '../engine/apply-create.js';
import type { InstanceSnapshots } from '../engine/catalog.js';
import { newSetId } from '../engine/names.js';
import { planCreate, type CreateFacts, type CreatePlan, type FreezePolicy, type PolicyOccurrenceRef } from '../engine/plan-create.js';
import { CcsnapError, toCcsnapError, type CodedError } from '../errors.js';
import type { HypervisorConfig } from '../hypervisor/types.js';
import { withInstanceLock } from '../journal/index.js';
import type { Runtime } from '../runtime.js';
import type { HypervisorPort } from '../engine/ports.js';
import { createKeyedLimiter, createLimiter } from '../util/limit.js';
import { acquireSlots, type SlotClaim } from '../fleet/slots.js';
import { WATCHDOG_LAG_MS } from '../engine/watchdog-protocol.js';
import type { GatePass } from '../util/window-gate.js';
import { gatherInventory } from './inventory.js';
import { pickInstance, requireName } from './resolve.js';

export interface CreateRequest {
  /** Instance ids or names; empty with `all` = every instance with array volumes. */
  instances: string[];
  all?: boolean;
  label?: string | null;
  bootOnly?: boolean;
  freeze?: FreezePolicy;
  maxFreezeMs?: number;
  dryRun?: boolean;
  concurrency?: number;
  perHost?: number;
  signal?: AbortSignal;
  /**
   * Stops new freezes only (a service's SIGTERM): once it fires, an instance whose freeze was not sent yet ends
   * interrupted before anything is frozen, while a freeze window already open runs to its end (max-freeze) and
   * its set completes. `signal`, by contrast, also cuts an open window short (the guest is thawed, the set
   * discarded).
   */
  drain?: AbortSignal;
  /**
   * A set made for a snapshot policy: the policy and the occurrence it serves, recorded on the set (and in
   * the operation's plan). The policy's create settings (freeze, max_freeze, per_host, concurrency,
   * boot_only) go in the fields above (`createRequestOf` in ops/policy-run/instance.ts maps a policy's).
   */
  policy?: PolicyOccurrenceRef;
  /** The clock the set's creation time is read from (default: the system clock); a policy runner passes its own. */
  now?: () => Date;
  onProgress?: (event: { instance: string; phase: 'start' | 'done' | 'failed'; done: number; total: number }) => void;
}

export type CreateOutcome =
  | { instance: string; kind: 'result'; result: CreateResult }
  | { instance: string; kind: 'plan'; plan: CreatePlan }
  /** `instanceId` is set when the instance was found (the failure came after the lookup). */
  | { instance: string; instanceId?: string; kind: 'error'; error: CodedError };

/** Plans and takes snapshot sets for one or many instances, bounded globally and per compute host. */
export async function createSnapshots(rt: Runtime, req: CreateRequest): Promise<CreateOutcome[]> {
  for (const ref of req.instances) requireName(ref, 'instance');
  rt.requireArrays();
  // Start the thaw watchdog while the inventory loads, so arming it later costs one message.
  if (!req.dryRun) rt.watchdog().warm();
  const single = req.instances.length === 1 && !req.all;
  const inventory = await gatherInventory(rt, { ...(single ? { instance: req.instances[0]! } : {}), ...(req.signal ? { signal: req.signal } : {}) });
  const targets = chooseTargets(inventory.instances, req);
  const global = createLimiter(req.concurrency ?? rt.settings.create.concurrency);
  const perHost = createKeyedLimiter(req.perHost ?? rt.settings.create.perHost);
  let done = 0;
  // The host slot first, then a global one: a task waiting for a busy host must not hold a global slot.
  return Promise.all(
    targets.map((t) =>
      perHost(t.entry?.instance.host ?? '')(() =>
        global(async () => {
          if (!t.entry) return { instance: t.ref, kind: 'error' as const, error: t.error! };
          req.onProgress?.({ instance: t.entry.instance.name, phase: 'start', done, total: targets.length });
          const outcome = await createOne(rt, t.entry, req);
          done++;
          req.onProgress?.({
            instance: t.entry.instance.name,
            phase: outcome.kind === 'error' || (outcome.kind === 'result' && outcome.result.state === 'failed') ? 'failed' : 'done',
            done,
            total: targets.length,
          });
          return outcome;
        }),
      ),
    ),
  );
}

interface Target {
  ref: string;
  entry?: InstanceSnapshots;
  error?: CodedError;
}

/** The instances to snapshot, each once: the same instance named twice (name and id) is one target. */
function chooseTargets(all: InstanceSnapshots[], req: CreateRequest): Target[] {
  if (req.all) return all.filter((i) => i.volumes.some((v) => v.array)).map((entry) => ({ ref: entry.instance.id, entry }));
  const seen = new Set<string>();
  const targets: Target[] = [];
  for (const ref of req.instances) {
    try {
      const entry = pickInstance(all, ref);
      if (seen.has(entry.instance.id)) continue;
      seen.add(entry.instance.id);
      targets.push({ ref, entry });
    } catch (err) {
      const e = toCcsnapError(err);
      targets.push({ ref, error: { code: e.code, message: e.message } });
    }
  }
  return targets;
}

/**
 * One instance's set (or its plan, with `dryRun`): lock, pre-checks, plan, freeze window, thaw. Never
 * throws: a refusal or failure is an `error` outcome. The caller bounds the concurrency (createSnapshots,
 * or a policy runner that starts instances at their spread offsets).
 */
export async function createOne(rt: Runtime, entry: InstanceSnapshots, req: CreateRequest): Promise<CreateOutcome> {
  const name = entry.instance.name;
  try {
    const freeze = req.freeze ?? rt.settings.create.freeze;
    const makePlan = async (hv: HypervisorPort, opId?: string): Promise<CreatePlan> =>
      planCreate(await gatherFacts(rt, hv, entry, freeze, req.signal, opId), {
        setId: newSetId(),
        now: req.now?.() ?? new Date(),
        label: req.label ?? null,
        bootOnly: req.bootOnly ?? false,
        freeze,
        maxFreezeMs: req.maxFreezeMs ?? rt.settings.create.maxFreezeMs,
        ...(req.policy ? { policy: req.policy } : {}),
      });
    if (req.dryRun) return { instance: name, kind: 'plan', plan: await makePlan(rt.hypervisorFor(entry.instance.host)) };
    // A virsh session of this operation's own, warmed up by the pre-checks: the freeze runs on an open
    // connection, and our thaw never queues behind another guest's freeze on the same host.
    const lease = rt.hypervisors().lease(entry.instance.host ?? '');
    // Window priority: this create's work waits while other creates' freeze windows are open, and its own
    // window waits for their pre-checks (see util/window-gate.ts). Nothing waits while a guest is frozen.
    const pass = rt.windowGate().join();
    try {
      // The lock is taken before the pre-checks, so a second ccsnap fails on the lock, never on our freeze;
      // and before the gate, so a busy instance is reported at once.
      return await withInstanceLock(rt.journal(), entry.instance.id, async (opId) => {
        await pass.bulk(req.signal);
        // The watchdog opens its own connection to this guest while the pre-checks run (not in the window).
        if (entry.instance.status === 'ACTIVE')
          rt.watchdog().prepare({
            domain: entry.instance.domain,
            host: entry.instance.host ?? '',
            hypervisor: watchdogHypervisorConfig(rt, entry.instance.host),
          });
        // Checked under the lock: a worker that took this instance's job over never makes a second set.
        if (req.policy) await refuseServedOccurrence(rt, entry.instance.id, req.policy);
        const plan = await makePlan(lease.hypervisor, opId);
        if (req.drain?.aborted) throw drainError(plan.instance.name);
        const result = await withFleetSlots(rt, plan, req, opId, pass, (slots) => applyPlan(rt, lease.hypervisor, plan, req, opId, pass, slots));
        return { instance: name, kind: 'result' as const, result };
      });
    } finally {
      pass.leave();
      lease.release();
    }
  } catch (err) {
    const e = toCcsnapError(err);
    return { instance: name, instanceId: entry.instance.id, kind: 'error', error: { code: e.code, message: e.message } };
  }
}

/** CCSNAP_OCCURRENCE_SERVED when the instance has a complete set for this policy occurrence already. */
async function refuseServedOccurrence(rt: Runtime, instanceId: string, ref: PolicyOccurrenceRef): Promise<void> {
  const sets = await rt.journal().listSets({ instanceId, policy: ref.name, occurrence: ref.occurrence });
  const done = sets.find((s) => s.state === 'complete');
  if (done) throw new CcsnapError('CCSNAP_OCCURRENCE_SERVED', `instance ${instanceId} has set ${done.id} for ${ref.occurrence} already; nothing was created`);
}

/** What a create holding fleet slots does once its guest is thawed (or handed to the watchdog). */
interface SlotsHeld {
  afterThaw(): Promise<void>;
}

const NO_SLOTS: SlotsHeld = { afterThaw: async () => undefined };

/**
 * The limits shared by every process on the journal (PostgreSQL: many workers): a slot of the compute host
 * (at most per_host guests frozen there at once) and one per member on an array with a snapshot-call limit,
 * held from before the freeze to after the thaw; the host's is freed as soon as the guest is thawed, before the
 * work after the window (which may wait for this process's other windows). Without shared slots (SQLite) the
 * process's own limiters do.
 */
async function withFleetSlots<T>(
  rt: Runtime,
  plan: CreatePlan,
  req: CreateRequest,
  opId: string,
  pass: GatePass,
  fn: (slots: SlotsHeld) => Promise<T>,
): Promise<T> {
  const port = rt.journal().slots;
  if (!port) return fn(NO_SLOTS);
  const claims = slotClaims(rt, plan, req.perHost ?? rt.settings.create.perHost, opId);
  if (claims.length === 0) return fn(NO_SLOTS);
  // Waiting for another worker's slot is no work of this process's: its windows do not wait for it, and the
  // few steps between the slot and the window's turn (arm the watchdog, journal the freeze) hold no phase.
  pass.leave();
  const held = await acquireSlots(port, claims, slotLeaseMs(rt, plan), req.signal ?? req.drain);
  const host = claims.find((c) => c.scope.startsWith('host:'));
  try {
    return await fn({ afterThaw: async () => (host ? port.release(host.scope, host.holder).catch(() => undefined) : undefined) });
  } finally {
    await held.release();
  }
}

function slotClaims(rt: Runtime, plan: CreatePlan, perHost: number, opId: string): SlotClaim[] {
  const host = plan.freeze.willFreeze ? [{ scope: `host:${plan.instance.host ?? ''}`, capacity: perHost, holder: opId }] : [];
  const arrays = plan.members.flatMap((m) => {
    const limit = rt.settings.arrayCallLimits.get(m.arrayName);
    return limit ? [{ scope: `array:${m.arrayName}`, capacity: limit, holder: `${opId}/${m.volumeId}` }] : [];
  });
  return [...host, ...arrays];
}

/**
 * A slot outlives the worst case of its holder: the freeze window, the watchdog's lag, and the pre-window
 * steps (journal, arm the watchdog) with a wide margin. A worker killed with its guest frozen keeps the
 * host's slot until the watchdog has thawed the guest, so no other worker freezes one more guest there.
 */
function slotLeaseMs(rt: Runtime, plan: CreatePlan): number {
  return Math.max(plan.maxFreezeMs + WATCHDOG_LAG_MS, rt.settings.timeouts.arrayMs) + SLOT_LEASE_MARGIN_MS;
}

/** The pre-window steps' allowance in a slot's lease. */
export const SLOT_LEASE_MARGIN_MS = 30_000;

function drainError(name: string): CcsnapError {
  return new CcsnapError('CCSNAP_INTERRUPTED', `stopping: no new freeze is started (${name} was not frozen)`);
}

function applyPlan(
  rt: Runtime,
  hv: HypervisorPort,
  plan: CreatePlan,
  req: CreateRequest,
  opId: string,
  pass: GatePass,
  slots: SlotsHeld,
): Promise<CreateResult> {
  const cfg = rt.hypervisorConfig;
  return applyCreate(
    plan,
    {
      journal: rt.journal(),
      array: (n) => rt.array(n),
      hypervisor: hv,
      hypervisorConfig: watchdogHypervisorConfig(rt, plan.instance.host),
      watchdog: rt.watchdog(),
      phases: {
        // A drain that came while this window waited for its turn: no freeze is sent.
        window: async (signal) => {
          await pass.window(signal);
          if (req.drain?.aborted) throw drainError(plan.instance.name);
        },
        opened: () => pass.opened(),
        bulk: async (signal) => {
          await slots.afterThaw();
          await pass.bulk(signal);
        },
      },
      ...(req.signal ? { signal: req.signal } : {}),
      timeouts: {
        thawMs: cfg.commandTimeoutMs,
        guardMs: cfg.commandTimeoutMs,
        watchdogGuardMs: rt.settings.create.thawGuardMs,
        arrayMs: rt.settings.timeouts.arrayMs,
        cleanupMs: rt.settings.timeouts.cleanupMs,
      },
    },
    opId,
  );
}

/** The hypervisor config the watchdog uses for a guest: ours, with the URI resolved for its host. */
function watchdogHypervisorConfig(rt: Runtime, host: string | null): HypervisorConfig {
  return { ...rt.hypervisorConfig, uriTemplate: rt.hypervisors().uriFor(host ?? '') };
}

/** The I/O half of planning: agent answers? already frozen? locked? (all before any freeze). */
async function gatherFacts(
  rt: Runtime,
  hv: HypervisorPort,
  entry: InstanceSnapshots,
  freeze: FreezePolicy,
  signal?: AbortSignal,
  ownOpId?: string,
): Promise<CreateFacts> {
  const { instance } = entry;
  const lock = await rt.journal().readLock(instance.id);
  const holder = lock && lock.opId !== ownOpId ? lock : undefined;
  const facts: CreateFacts = {
    instance,
    volumes: entry.volumes,
    uri: rt.hypervisors().uriFor(instance.host ?? ''),
    ...(holder ? { lockedBy: `operation ${holder.opId} (pid ${holder.pid} on ${holder.hostname}) holds it` } : {}),
  };
  const sig = signal ? { signal } : {};
  await Promise.all([checkArray(rt, entry, sig), ...(instance.status === 'ACTIVE' && freeze !== 'skip' ? [checkAgent(hv, facts, sig)] : [])]);
  return facts;
}

async function checkAgent(hv: HypervisorPort, facts: CreateFacts, sig: { signal?: AbortSignal }): Promise<void> {
  try {
    await hv.ping(facts.instance.domain, sig);
    facts.agent = { ok: true };
    facts.freezeStatus = await hv.freezeStatus(facts.instance.domain, sig);
  } catch (err) {
    const e = toCcsnapError(err);
    if (e.code === 'CCSNAP_ABORTED') throw e;
    facts.agent = { ok: false, code: e.code, message: e.message };
  }
}

/**
 * The array answers for every array volume, right before the freeze. One listStorageSnapshots per
 * filesystem, in parallel: this also opens one connection per member, so no TCP/TLS handshake
 * happens inside the freeze window.
 */
async function checkArray(rt: Runtime, entry: InstanceSnapshots, sig: { signal?: AbortSignal }): Promise<void> {
  await Promise.all(entry.volumes.filter((v) => v.array).map((v) => rt.array(v.array!.name).listStorageSnapshots({ fsId: v.array!.fsId, ...sig })));
}
