/**
 * The thaw watchdog process (see watchdog-protocol.ts). Started detached by ccsnap; survives
 * ccsnap's death; guards every armed guest whose deadline passes, that ccsnap hands over, and all
 * armed guests at once when ccsnap's end of the stdin pipe closes. It exits once ccsnap is gone (or
 * asked it to) and every guard has ended.
 */
import { appendFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { createHypervisorPool } from '../hypervisor/pool.js';
import type { HypervisorConfig, HypervisorLease, HypervisorPool } from '../hypervisor/types.js';
import { guardThaw, LONG_GUARD_RETRY_DELAY_MS } from './thaw.js';
import { parseWatchdogRequest } from './watchdog-parse.js';
import type { ArmMessage, PrepareMessage, WatchdogReply, WatchdogRequest, WatchdogThaw } from './watchdog-protocol.js';

interface Entry {
  message: ArmMessage;
  lease: HypervisorLease;
  timer?: NodeJS.Timeout;
  /** Set while a guard runs; aborting it ends the guard (ccsnap verified the thaw itself). */
  guard?: { stop: AbortController; done: Promise<void> };
  thaw?: WatchdogThaw;
}

const entries = new Map<string, Entry>();
/** Connections opened ahead of an arm (see prepare), by pool, host and domain. */
const prepared = new Map<string, { lease: HypervisorLease; timer: NodeJS.Timeout; warm: Promise<void> }>();
/** A prepared connection nobody armed within this time goes back to the pool. */
const PREPARED_TTL_MS = 120_000;
const pools = new Map<string, HypervisorPool>();
let exitRequested = false;
let parentGone = false;

function log(text: string): void {
  const path = process.env.CCSNAP_WATCHDOG_LOG;
  if (!path) return;
  try {
    appendFileSync(path, `${new Date().toISOString()} watchdog[${process.pid}] ${text}\n`, { mode: 0o600 });
  } catch {
    // logging must never stop a thaw
  }
}

function reply(message: WatchdogReply): void {
  if (parentGone) return;
  try {
    process.stdout.write(`${JSON.stringify(message)}\n`);
  } catch {
    parentGone = true;
  }
}

/** One pool per hypervisor configuration; each armed guest leases a connection of its own. */
function poolFor(config: HypervisorConfig): { key: string; pool: HypervisorPool } {
  const key = JSON.stringify(config);
  let pool = pools.get(key);
  if (!pool) {
    pool = createHypervisorPool(config);
    pools.set(key, pool);
  }
  return { key, pool };
}

const preparedKey = (poolKey: string, host: string, domain: string): string => `${poolKey}|${host}|${domain}`;

/**
 * Opens (warms) a connection for a guest ccsnap is about to freeze, while ccsnap runs its pre-checks: the
 * process start and connect happen then, not inside the freeze window, and a thaw later is one command on
 * a live session (domstate is harmless).
 */
function prepare(message: PrepareMessage): void {
  const { key: poolKey, pool } = poolFor(message.hypervisor);
  const key = preparedKey(poolKey, message.host, message.domain);
  if (prepared.has(key)) return;
  const lease = pool.lease(message.host);
  const timer = setTimeout(() => {
    prepared.delete(key);
    lease.release();
  }, PREPARED_TTL_MS);
  timer.unref();
  const warm = warmUp(lease, message.domain);
  // Nobody may ever arm this key (the create failed before its freeze): a failed warm-up is logged here, and
  // never left an unhandled rejection, which would end this process (and every guest it watches).
  warm.catch((err: unknown) => log(`cannot prepare ${message.domain} on ${message.host}: ${(err as Error).message}`));
  prepared.set(key, { lease, timer, warm });
}

/** One harmless command (domstate) that starts the session and proves the watchdog can reach the domain. */
function warmUp(lease: HypervisorLease, domain: string): Promise<void> {
  return lease.hypervisor.domainState(domain).then(() => undefined);
}

/**
 * Arms a guest: answers "armed" only once the watchdog's own connection to the domain works (opened ahead by
 * prepare, or now), so no freeze is sent that the watchdog could not thaw, and no connection is still being
 * opened while the guest is frozen.
 */
function arm(message: ArmMessage): void {
  const { key: poolKey, pool } = poolFor(message.hypervisor);
  const key = preparedKey(poolKey, message.host, message.domain);
  const ready = prepared.get(key);
  prepared.delete(key);
  if (ready) clearTimeout(ready.timer);
  const lease = ready?.lease ?? pool.lease(message.host);
  const warm = ready?.warm ?? warmUp(lease, message.domain);
  warm.then(
    () => {
      entries.set(message.id, { message, lease });
      log(
        `armed ${message.id} for ${message.domain} on ${message.host}${ready ? ' (connection opened ahead)' : ''}; guard ${message.guardMs} ms, ${message.callTimeoutMs} ms per call`,
      );
      reply({ op: 'armed', id: message.id });
    },
    (err: unknown) => {
      lease.release();
      log(`cannot arm ${message.id}: ${message.domain} cannot be reached: ${(err as Error).message}`);
      reply({ op: 'error', id: message.id, message: `cannot reach ${message.domain} to watch it: ${(err as Error).message}` });
    },
  );
}

function schedule(id: string, deadline: number): void {
  const entry = entries.get(id);
  if (!entry) return;
  if (entry.timer) clearTimeout(entry.timer);
  const delay = Math.max(0, deadline - Date.now());
  entry.timer = setTimeout(() => fire(id, 'deadline passed'), delay);
  log(`freeze of ${id} sent: fires in ${delay} ms unless disarmed`);
}

function fire(id: string, why: string): void {
  const entry = entries.get(id);
  if (!entry || entry.guard) return;
  if (entry.timer) clearTimeout(entry.timer);
  delete entry.timer;
  const { message } = entry;
  const stop = new AbortController();
  const firedAt = Date.now();
  log(`firing for ${message.domain} (${why})`);
  const done = guardThaw(entry.lease.hypervisor, message.domain, {
    callTimeoutMs: message.callTimeoutMs,
    guardMs: message.guardMs,
    retryDelayMs: LONG_GUARD_RETRY_DELAY_MS,
    stop: stop.signal,
    onStep: (line) => log(line),
    onThawed: (sentAt, doneAt, filesystems) => {
      entry.thaw = { why, firedAt, thawSentAt: sentAt, thawedAt: doneAt, thawedFilesystems: filesystems, verified: false };
    },
  })
    .then(
      (outcome) => {
        entry.thaw = {
          why,
          firedAt,
          thawSentAt: outcome.thawSentAt,
          thawedAt: outcome.thawedAt,
          thawedFilesystems: outcome.thawedFilesystems,
          verified: outcome.verified,
        };
        if (outcome.verified)
          log(
            `${message.domain} is thawed and no freeze can land any more (${outcome.attempts} round(s)${outcome.unfreezable ? `; ${outcome.unfreezable}` : ''})`,
          );
        else if (stop.signal.aborted) log(`guard of ${message.domain} ended: ccsnap verified the thaw`);
        else
          log(
            `ALARM: gave up on ${message.domain} after the ${message.guardMs} ms guard; the guest may be frozen. The operation stays thaw-pending in the journal: recover checks it again`,
          );
      },
      (err: unknown) => log(`guard of ${message.domain} failed: ${(err as Error).message}`),
    )
    .finally(() => {
      delete entry.guard;
      maybeExit();
    });
  entry.guard = { stop, done };
}

function disarm(id: string): void {
  const entry = entries.get(id);
  entries.delete(id);
  if (entry?.timer) clearTimeout(entry.timer);
  entry?.guard?.stop.abort();
  entry?.lease.release();
  log(`disarmed ${id}${entry?.thaw ? ` (had fired: ${entry.thaw.why})` : ''}`);
  reply({ op: 'disarmed', id, ...(entry?.thaw ? { thaw: entry.thaw } : {}) });
  maybeExit();
}

function maybeExit(): void {
  if (!(exitRequested || parentGone)) return;
  if ([...entries.values()].some((e) => e.guard)) return;
  if (!parentGone && entries.size > 0) return;
  for (const pool of pools.values()) void pool.close().catch(() => undefined);
  process.exit(0);
}

function handle(request: WatchdogRequest): void {
  switch (request.op) {
    case 'arm':
      try {
        arm(request); // replies once its connection works
      } catch (err) {
        // A watchdog that cannot reach the hypervisor cannot thaw: ccsnap must not freeze.
        log(`cannot arm ${request.id}: ${(err as Error).message}`);
        reply({ op: 'error', id: request.id, message: `cannot watch ${request.domain}: ${(err as Error).message}` });
      }
      return;
    case 'prepare':
      try {
        prepare(request);
      } catch (err) {
        log(`cannot prepare ${request.domain}: ${(err as Error).message}`);
      }
      return;
    case 'freezing':
      schedule(request.id, request.deadline);
      return;
    case 'guard':
      if (entries.get(request.id)?.guard) log(`${request.id} handed over by ccsnap (already guarding it since its deadline)`);
      fire(request.id, 'handed over by ccsnap');
      reply({ op: 'guarding', id: request.id });
      return;
    case 'disarm':
      disarm(request.id);
      return;
    case 'ping':
      reply({ op: 'pong' });
      return;
    case 'exit':
      exitRequested = true;
      maybeExit();
      return;
  }
}

/**
 * One line from ccsnap. A line it cannot read is logged (never its text: it may carry the hypervisor's env) and
 * ignored; if it named a request id, that request is answered with an error, so ccsnap does not wait for it.
 */
function onLine(line: string): void {
  const parsed = parseWatchdogRequest(line);
  if (!parsed.ok) {
    log(`ignored a request it cannot read (${parsed.problem})`);
    if (parsed.id !== undefined) reply({ op: 'error', id: parsed.id, message: `bad request: ${parsed.problem}` });
    return;
  }
  try {
    handle(parsed.message);
  } catch (err) {
    log(`request ${parsed.message.op} failed: ${(err as Error).message}`);
  }
}

/** ccsnap is gone: every guest not disarmed is guarded again, even one guarded before (a freeze may have followed). */
function onParentGone(): void {
  parentGone = true;
  const open = [...entries.values()].filter((e) => !e.guard);
  if (!exitRequested && open.length > 0) log('ccsnap vanished with guests armed: guarding now');
  for (const entry of open) {
    delete entry.thaw;
    fire(entry.message.id, exitRequested ? 'ccsnap exited while armed' : 'ccsnap vanished');
  }
  maybeExit();
}

function main(): void {
  // The watchdog must not die with ccsnap's terminal or process group.
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGPIPE'] as const) process.on(sig, () => log(`ignored ${sig}`));
  // Nor with an error of one guest's call: it is logged and the others stay watched.
  process.on('unhandledRejection', (err: unknown) => log(`error (kept running): ${(err as Error)?.message ?? String(err)}`));
  process.on('uncaughtException', (err: Error) => log(`error (kept running): ${err.message}`));
  process.stdout.on('error', () => {
    parentGone = true;
  });
  const lines = createInterface({ input: process.stdin });
  lines.on('line', onLine);
  lines.on('close', onParentGone);
  reply({ op: 'ready', pid: process.pid });
}

main();
