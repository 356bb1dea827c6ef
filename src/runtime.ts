import { createElastiCenterClient, type ArrayConfig, type ElastiCenterClient } from './array/index.js';
import type { CcsnapSettings } from './config.js';
import type { ComputePort, HypervisorPort, RollbackSemantics } from './engine/ports.js';
import { Watchdog } from './engine/watchdog.js';
import { CcsnapError } from './errors.js';
import { createHypervisorPool, type HypervisorConfig, type HypervisorPool } from './hypervisor/index.js';
import { isPostgresUrl, openJournal, type Journal } from './journal/index.js';
import { startFleetQueue, type FleetQueue } from './fleet/queue.js';
import { ensurePrivateFile } from './util/private-files.js';
import { createWindowGate, type WindowGate } from './util/window-gate.js';
import {
  createSession,
  getServerById,
  startServer,
  stopServer,
  waitForServerStatus,
  type CloudConfig,
  type RequestLogHook,
  type Session,
} from './openstack/index.js';

export interface RuntimeOptions {
  cloud: CloudConfig;
  settings: CcsnapSettings;
  journalPath: string;
  /** Per-request timeout (ms) of every HTTP request: OpenStack and the arrays (overrides an array's `timeout`). */
  timeoutMs?: number;
  onRequest?: RequestLogHook;
  watchdogLogPath?: string;
  /** Freeze-window priority of this runtime's creates (default: a gate of its own, see util/window-gate.ts). */
  windowGate?: WindowGate;
}

/**
 * Everything a ccsnap operation talks to, opened lazily: the OpenStack session, the arrays, the
 * hypervisors, the journal and the thaw watchdog. One per command run; `close()` releases all.
 */
export class Runtime {
  private sessionPromise: Promise<Session> | undefined;
  private readonly arrayClients = new Map<string, ElastiCenterClient>();
  private pool: HypervisorPool | undefined;
  private openedJournal: Journal | undefined;
  private dog: Watchdog | undefined;
  private queue: Promise<FleetQueue> | undefined;
  /** Where the job queue reports its background errors (a daemon logs them); default: dropped. */
  onFleetError: ((err: CcsnapError) => void) | undefined;
  private gate: WindowGate | undefined;

  constructor(readonly options: RuntimeOptions) {}

  get settings(): CcsnapSettings {
    return this.options.settings;
  }

  session(signal?: AbortSignal): Promise<Session> {
    this.sessionPromise ??= createSession(this.options.cloud, {
      ...(signal ? { signal } : {}),
      ...(this.options.timeoutMs !== undefined ? { timeoutMs: this.options.timeoutMs } : {}),
      ...(this.options.onRequest ? { onRequest: this.options.onRequest } : {}),
    });
    this.sessionPromise.catch(() => (this.sessionPromise = undefined));
    return this.sessionPromise;
  }

  arrays(): ArrayConfig[] {
    return this.settings.arrays;
  }

  /** Arrays are required for every snapshot command; say so plainly when none is configured. */
  requireArrays(): ArrayConfig[] {
    if (this.settings.arrays.length === 0) {
      throw new CcsnapError(
        'CCSNAP_CONFIG_NO_ARRAY',
        `no array is configured for cloud ${this.settings.cloudName}${this.settings.source ? ` in ${this.settings.source}` : ' (no ccsnap config file found)'}`,
      );
    }
    return this.settings.arrays;
  }

  array(name: string): ElastiCenterClient {
    let client = this.arrayClients.get(name);
    if (!client) {
      const cfg = this.settings.arrays.find((a) => a.name === name);
      if (!cfg) throw new CcsnapError('CCSNAP_CONFIG_NO_ARRAY', `array ${name} is not configured for cloud ${this.settings.cloudName}`);
      client = createElastiCenterClient({
        name: cfg.name,
        url: cfg.url,
        apiKey: cfg.apiKey,
        insecure: cfg.insecure,
        timeoutMs: this.options.timeoutMs ?? cfg.timeoutMs,
        ...(cfg.cacert ? { cacert: cfg.cacert } : {}),
      });
      this.arrayClients.set(name, client);
    }
    return client;
  }

  rollbackSemantics(arrayName: string): RollbackSemantics {
    return this.settings.rollbackSemantics.get(arrayName) ?? 'newest-only';
  }

  get hypervisorConfig(): HypervisorConfig {
    return this.settings.hypervisor;
  }

  hypervisors(): HypervisorPool {
    this.pool ??= createHypervisorPool(this.settings.hypervisor);
    return this.pool;
  }

  hypervisorFor(host: string | null): HypervisorPort {
    return this.hypervisors().forHost(host ?? '');
  }

  journal(): Journal {
    this.openedJournal ??= openJournal(this.options.journalPath, { leaseMs: this.settings.fleet.ownerLeaseMs });
    return this.openedJournal;
  }

  /** True when the journal is shared in PostgreSQL: policy occurrences are then served as jobs by many workers. */
  usesFleet(): boolean {
    return isPostgresUrl(this.options.journalPath);
  }

  /** The workers' job queue (pg-boss on the journal's PostgreSQL database), started on first use. */
  fleetQueue(): Promise<FleetQueue> {
    if (!this.usesFleet()) return Promise.reject(new CcsnapError('CCSNAP_INTERNAL', 'the job queue needs a PostgreSQL journal'));
    const f = this.settings.fleet;
    this.queue ??= startFleetQueue({
      url: this.options.journalPath,
      jobLeaseSeconds: Math.ceil(f.jobLeaseMs / 1000),
      maintenanceSeconds: Math.max(1, Math.min(30, Math.floor(f.jobLeaseMs / 4000))),
      pollSeconds: Math.max(0.5, f.pollMs / 1000),
      onError: (err) => this.onFleetError?.(err),
    });
    this.queue.catch(() => (this.queue = undefined));
    return this.queue;
  }

  watchdog(): Watchdog {
    // The watchdog appends to its log; the file is created here, private (0600), before it starts.
    if (!this.dog && this.options.watchdogLogPath) ensurePrivateFile(this.options.watchdogLogPath);
    this.dog ??= new Watchdog(this.options.watchdogLogPath ? { logPath: this.options.watchdogLogPath } : {});
    return this.dog;
  }

  /** Freeze-window priority, shared by every create of this runtime (see util/window-gate.ts). */
  windowGate(): WindowGate {
    this.gate ??= this.options.windowGate ?? createWindowGate();
    return this.gate;
  }

  /** Nova power actions, as the rollback engine needs them. */
  async compute(signal?: AbortSignal): Promise<ComputePort> {
    const session = await this.session(signal);
    return {
      getStatus: async (id, o) => (await getServerById(session, id, o ?? {})).status,
      stop: (id, o) => stopServer(session, id, o ?? {}),
      start: (id, o) => startServer(session, id, o ?? {}),
      waitForStatus: async (id, status, o) => {
        await waitForServerStatus(session, id, status, { deadlineMs: o.deadlineMs, intervalMs: 250, ...(o.signal ? { signal: o.signal } : {}) });
      },
    };
  }

  async close(): Promise<void> {
    // The queue first: its workers' handlers (open freeze windows) finish before anything else closes.
    await this.queue?.then((q) => q.stop()).catch(() => undefined);
    this.dog?.close();
    await Promise.allSettled([this.pool?.close(), ...[...this.arrayClients.values()].map((c) => c.close()), this.sessionPromise?.then((s) => s.close())]);
    await this.openedJournal?.close();
  }
}
