import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { CcsnapError } from './errors.js';
import { loadArrayConfigs, type ArrayConfig, type ArrayConfigWarning } from './array/index.js';
import { parseHypervisorConfig, type HypervisorConfig } from './hypervisor/index.js';
import type { RollbackSemantics } from './engine/ports.js';
import type { FreezePolicy } from './engine/plan-create.js';
import { parseDuration } from './util/time.js';
import type * as Yaml from 'yaml';
import { DEFAULT_THAW_GUARD_MS } from './engine/watchdog-protocol.js';
import type { Policy } from './policy/types.js';
import { parseTimeouts, type OperationTimeouts } from './config-timeouts.js';

/**
 * ccsnap's own settings for one cloud, from a YAML file:
 *
 *   clouds:
 *     mycloud:                      # the --os-cloud name
 *       arrays: [ ... ]             # see src/array/config.ts; plus `rollback: newest-only|destroy-newer|keep-newer`
 *       hypervisor: { uri: "qemu+ssh://{host}/system", session: persistent, agent_timeout: 5s, command_timeout: 15s }
 *       journal: /var/lib/ccsnap/journal.db
 *       create: { max_freeze: 10s, freeze: required, concurrency: 8, per_host: 2, thaw_guard: 10m }
 *       policies: [ ... ]           # snapshot policies, see src/policy/types.ts
 *   defaults: { ... }               # for clouds without their own section
 *
 * A file with none of `clouds`/`defaults` is taken as `defaults`.
 * Search: --config, $CCSNAP_CONFIG, ./ccsnap.yaml, ${XDG_CONFIG_HOME:-~/.config}/ccsnap/config.yaml, /etc/ccsnap/config.yaml.
 */
export interface CcsnapSettings {
  source: string | null;
  cloudName: string;
  arrays: ArrayConfig[];
  rollbackSemantics: Map<string, RollbackSemantics>;
  /** Arrays with `max_snapshot_calls`: at most that many snapshot calls at once, across every worker of a shared journal. */
  arrayCallLimits: Map<string, number>;
  hypervisor: HypervisorConfig;
  journalPath: string | null;
  create: { maxFreezeMs: number; freeze: FreezePolicy; concurrency: number; perHost: number; thawGuardMs: number };
  /** Bounds of the calls outside the freeze window (the config's `timeouts:`). */
  timeouts: OperationTimeouts;
  /** Many workers on a PostgreSQL journal (the config's `fleet:`). */
  fleet: FleetSettings;
  /** Snapshot policies of this cloud (empty when none is configured). */
  policies: Policy[];
  warnings: ArrayConfigWarning[];
}

type Dict = Record<string, unknown>;

export function findConfigFile(explicit: string | undefined, env: NodeJS.ProcessEnv): string | null {
  if (explicit) {
    if (!existsSync(explicit)) throw new CcsnapError('CCSNAP_CONFIG_NOT_FOUND', `ccsnap config file ${explicit} does not exist`);
    return resolve(explicit);
  }
  if (env.CCSNAP_CONFIG) return findConfigFile(env.CCSNAP_CONFIG, {});
  const configHome = env.XDG_CONFIG_HOME || join(env.HOME || homedir(), '.config');
  for (const candidate of ['ccsnap.yaml', join(configHome, 'ccsnap', 'config.yaml'), '/etc/ccsnap/config.yaml']) {
    if (existsSync(candidate)) return resolve(candidate);
  }
  return null;
}

/** Reads the section for `cloudName` (or the defaults) and parses it. */
export async function loadSettings(opts: { file: string | null; cloudName: string; env?: NodeJS.ProcessEnv; inline?: Dict }): Promise<CcsnapSettings> {
  // yaml is loaded lazily to keep `ccsnap --help` fast.
  YAML ??= await import('yaml');
  const doc = opts.inline ?? (opts.file ? readYaml(opts.file) : {});
  const section = pickSection(doc, opts.cloudName);
  return parseSection(section, { source: opts.file, cloudName: opts.cloudName, env: opts.env ?? process.env });
}

function readYaml(file: string): Dict {
  const text = readFileSync(file, 'utf8');
  try {
    const parsed = YAML!.parse(text) as unknown;
    return isDict(parsed) ? parsed : {};
  } catch (err) {
    throw new CcsnapError('CCSNAP_CONFIG_INVALID', `ccsnap config ${file} is not valid YAML: ${(err as Error).message.split('\n')[0]}`, { cause: err });
  }
}

let YAML: typeof Yaml | undefined;

function pickSection(doc: Dict, cloudName: string): Dict {
  if (!('clouds' in doc) && !('defaults' in doc)) return doc;
  const clouds = isDict(doc.clouds) ? doc.clouds : {};
  const own = clouds[cloudName];
  if (isDict(own)) return { ...(isDict(doc.defaults) ? doc.defaults : {}), ...own };
  return isDict(doc.defaults) ? doc.defaults : {};
}

async function parseSection(section: Dict, ctx: { source: string | null; cloudName: string; env: NodeJS.ProcessEnv }): Promise<CcsnapSettings> {
  const rawArrays = Array.isArray(section.arrays) ? section.arrays : section.arrays === undefined ? [] : section.arrays;
  const rollbackSemantics = new Map<string, RollbackSemantics>();
  const arrayCallLimits = new Map<string, number>();
  const stripped = Array.isArray(rawArrays)
    ? rawArrays.map((entry: unknown) => {
        if (!isDict(entry)) return entry;
        const { rollback, max_snapshot_calls: calls, ...rest } = entry;
        if (rollback !== undefined) rollbackSemantics.set(String(rest.name), parseSemantics(rollback, String(rest.name)));
        if (calls !== undefined) arrayCallLimits.set(String(rest.name), positiveInt(calls, 0, `array ${String(rest.name)}: max_snapshot_calls`, 1024));
        return rest;
      })
    : rawArrays;
  const { arrays, warnings } = await loadArrayConfigs(stripped, { env: ctx.env });
  for (const a of arrays) if (!rollbackSemantics.has(a.name)) rollbackSemantics.set(a.name, 'newest-only');
  const create = parseCreate(section.create);
  return {
    source: ctx.source,
    cloudName: ctx.cloudName,
    arrays,
    rollbackSemantics,
    arrayCallLimits,
    hypervisor: parseHypervisorConfig(section.hypervisor ?? {}),
    journalPath: typeof section.journal === 'string' ? section.journal : null,
    create,
    timeouts: parseTimeouts(section.timeouts),
    fleet: parseFleet(section.fleet),
    policies: await parsePolicySection(section.policies, create),
    warnings,
  };
}

/** The policy parser (and its cron library) is loaded only when the section has policies. */
async function parsePolicySection(value: unknown, create: CcsnapSettings['create']): Promise<Policy[]> {
  if (value === undefined || value === null) return [];
  const { parsePolicies } = await import('./policy/parse.js');
  return parsePolicies(value, create);
}

function parseSemantics(value: unknown, array: string): RollbackSemantics {
  if (value === 'newest-only' || value === 'destroy-newer' || value === 'keep-newer') return value;
  throw new CcsnapError('CCSNAP_CONFIG_INVALID', `array ${array}: rollback must be newest-only, destroy-newer or keep-newer`);
}

/**
 * fleet: { concurrency: 8, job_lease: 60s, owner_lease: 30s, poll: 1s } — a worker serves `concurrency` instance
 * jobs at once; a job its worker holds past `job_lease` is served again by another worker; an owner (a process)
 * whose heartbeat stopped for `owner_lease` is dead to the others, which then recover its operations.
 */
export interface FleetSettings {
  concurrency: number;
  jobLeaseMs: number;
  ownerLeaseMs: number;
  pollMs: number;
}

function parseFleet(value: unknown): FleetSettings {
  const f = isDict(value) ? value : {};
  const ms = (v: unknown, fallback: number, what: string, min: number, max: number): number => {
    if (v === undefined) return fallback;
    const n = parseDuration(String(v));
    if (n < min || n > max) throw new CcsnapError('CCSNAP_CONFIG_INVALID', `fleet.${what} must be between ${min / 1000}s and ${max / 1000}s`);
    return n;
  };
  return {
    concurrency: positiveInt(f.concurrency, 8, 'fleet.concurrency', 256),
    jobLeaseMs: ms(f.job_lease, 60_000, 'job_lease', 5_000, 3_600_000),
    ownerLeaseMs: ms(f.owner_lease, 30_000, 'owner_lease', 3_000, 600_000),
    pollMs: ms(f.poll, 1_000, 'poll', 500, 60_000),
  };
}

function parseCreate(value: unknown): CcsnapSettings['create'] {
  const c = isDict(value) ? value : {};
  const freeze = c.freeze ?? 'required';
  if (freeze !== 'required' && freeze !== 'best-effort' && freeze !== 'skip')
    throw new CcsnapError('CCSNAP_CONFIG_INVALID', 'create.freeze must be required, best-effort or skip');
  return {
    maxFreezeMs: c.max_freeze === undefined ? 10_000 : parseDuration(String(c.max_freeze)),
    freeze,
    concurrency: positiveInt(c.concurrency, 8, 'create.concurrency', 256),
    perHost: positiveInt(c.per_host, 2, 'create.per_host', 64),
    thawGuardMs: parseThawGuard(c.thaw_guard),
  };
}

/** create.thaw_guard: how long the watchdog keeps thawing and re-checking a guest whose agent does not answer. */
function parseThawGuard(value: unknown): number {
  if (value === undefined) return DEFAULT_THAW_GUARD_MS;
  const ms = parseDuration(String(value));
  if (ms < 10_000 || ms > 86_400_000) throw new CcsnapError('CCSNAP_CONFIG_INVALID', 'create.thaw_guard must be between 10s and 24h');
  return ms;
}

function positiveInt(value: unknown, fallback: number, what: string, max: number): number {
  if (value === undefined) return fallback;
  if (typeof value === 'number' && Number.isInteger(value) && value > 0 && value <= max) return value;
  throw new CcsnapError('CCSNAP_CONFIG_INVALID', `${what} must be a whole number from 1 to ${max}`);
}

function isDict(v: unknown): v is Dict {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
