import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { removeServerInfo, writeServerInfo } from '../../src/cli/sandbox-paths.js';
import {
  emptyState,
  seedDemoState,
  startSandbox,
  sandboxCcsnapConfig,
  sandboxCloudEntry,
  SANDBOX_API_KEY,
  SANDBOX_API_KEY_ENV,
  SANDBOX_CLOUD_NAME,
  type DemoServerSpec,
  type FaultRule,
  type RunningSandbox,
  type SandboxRollbackPolicy,
  type SandboxState,
  type TranscriptEntry,
} from '../../src/sandbox-entry.js';

const ROOT = new URL('../../', import.meta.url).pathname;
export const CCSNAP_BIN = join(ROOT, 'bin', 'ccsnap.js');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export type RollbackPolicy = SandboxRollbackPolicy;

export interface StartSandboxCliOptions {
  /** Demo inventory to seed (default: DEMO_SERVERS). */
  servers?: DemoServerSpec[];
  /** Edits the seeded state before the sandbox starts (e.g. add a second server with the same name). */
  prepare?: (state: SandboxState) => void;
  faults?: FaultRule[];
  /**
   * The array's rollback policy. The built-in `--sandbox` cloud always configures ccsnap with
   * 'newest-only', so any other policy switches the fixture to `configured` mode.
   */
  rollback?: RollbackPolicy;
  /**
   * 'sandbox' (default): the CLI runs with `--sandbox` against the running sandbox (server.json).
   * 'configured': the CLI runs as against a real cloud: clouds.yaml (OS_CLIENT_CONFIG_FILE), `--os-cloud`,
   * a ccsnap config file (`--config`) whose array declares `rollback: <policy>`, and `--journal`.
   */
  mode?: 'sandbox' | 'configured';
  /** Extra time (ms) Nova takes for os-stop/os-start (default: the sandbox's 200 ms). */
  powerDelayMs?: number;
}

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  /** Another journal database (e.g. a fresh one, to see snapshots as not-in-journal). */
  journal?: string;
  /** Kill the CLI after this long (default 60 s). */
  timeoutMs?: number;
}

/**
 * The one row of `ccsnap create INSTANCE -f json`, its column names in snake_case ('Set ID' -> set_id,
 * 'Frozen ms' -> frozen_ms, 'Members' -> members, ...): the fields tests use most.
 */
export interface CreatedSet {
  set_id: string;
  instance_id: string;
  instance_name: string;
  label: string | null;
  state: string;
  consistency: string | null;
  frozen_ms: number | null;
  members: Array<{ volume_id: string; device: string | null; filesystem_id: string; snapshot: string; path: string; state: string }>;
  operation_id: string;
}

export interface ServerVolume {
  volumeId: string;
  fsId: string;
  /** Filesystem name on the array (the volume id without hyphens). */
  fsName: string;
  device: string;
}

/** A sandbox on 127.0.0.1 plus the built CLI (dist/) pointed at it. */
export interface SandboxCli {
  dir: string;
  statePath: string;
  journalPath: string;
  url: string;
  sandbox: RunningSandbox;
  mode: 'sandbox' | 'configured';
  /** Runs `node bin/ccsnap.js <globals> ...args`; never throws on a non-zero exit. */
  run(args: string[], opts?: RunOptions): Promise<CliResult>;
  /** Starts the same command as `run` without waiting for it (stdout and stderr piped): to signal or kill it. */
  spawn(args: string[], opts?: Pick<RunOptions, 'journal' | 'env'>): ChildProcess;
  /** `ccsnap create <instance> [...args]`, which must succeed with a complete set. */
  createSet(instance: string, ...args: string[]): Promise<CreatedSet>;
  /** Runs with `-f json`, requires exit 0, returns the parsed stdout. */
  json<T = Array<Record<string, unknown>>>(args: string[], opts?: RunOptions): Promise<T>;
  /** The current transcript position, for `since()`. */
  mark(): number;
  /** Transcript entries after `seq` (default: all). */
  since(seq?: number): TranscriptEntry[];
  /** One server by name (throws unless exactly one has it). */
  server(name: string): SandboxState['nova']['servers'][number];
  /** An instance's array volumes in attachment order (boot first). */
  volumes(name: string): ServerVolume[];
  /** Snapshot names per filesystem id, oldest first (the array's own state). */
  snapshotNames(fsId: string): string[];
  /** Snapshot names of every volume of an instance, keyed by volume id. */
  snapshotsOf(name: string): Record<string, string[]>;
  /** Calls the ElastiCenter API over HTTP (as another tool would); returns the parsed JSON. */
  arrayCall(command: string, params?: Record<string, string>): Promise<Record<string, unknown>>;
  /** Full array path of a snapshot on a filesystem. */
  snapshotPath(fsId: string, name: string): string;
  close(): Promise<void>;
}

/**
 * Starts a sandbox in this process with a state file in a fresh temp dir, writes `server.json` next to it
 * (as `ccsnap sandbox serve` does, owned by this process), so every `ccsnap --sandbox` child uses this very
 * sandbox; the test keeps direct access to its state, faults and transcript. The CLI must be built.
 */
export async function startSandboxCli(options: StartSandboxCliOptions = {}): Promise<SandboxCli> {
  if (!existsSync(join(ROOT, 'dist', 'cli', 'main.js'))) throw new Error('dist/ is missing: run `npm run build` (npm test does)');
  const dir = await mkdtemp(join(tmpdir(), 'ccsnap-cli-'));
  const statePath = join(dir, 'state.json');
  const journalPath = join(dir, 'journal.db');
  const state = seedDemoState(emptyState(), options.servers);
  if (options.rollback) state.array.rollbackPolicy = options.rollback;
  if (options.powerDelayMs !== undefined) state.nova.powerDelayMs = options.powerDelayMs;
  options.prepare?.(state);
  const sandbox = await startSandbox({ host: '127.0.0.1', port: 0, statePath, state, faults: options.faults ?? [] });
  sandbox.ctx.save();
  writeServerInfo({ url: sandbox.url, pid: process.pid, statePath });
  const mode = options.mode ?? (options.rollback && options.rollback !== 'newest-only' ? 'configured' : 'sandbox');
  const globals = mode === 'sandbox' ? ['--sandbox'] : await writeConfiguredCloud(dir, sandbox.url, options.rollback ?? 'newest-only');
  const baseEnv = cleanEnv(dir, mode);

  const argvOf = (args: string[], journal: string | undefined): string[] => [
    CCSNAP_BIN,
    ...globals,
    ...(journal ? ['--journal', journal] : mode === 'configured' ? ['--journal', journalPath] : []),
    ...args,
  ];
  const run = async (args: string[], opts: RunOptions = {}): Promise<CliResult> => {
    const result = await execCli(argvOf(args, opts.journal), { ...baseEnv, ...opts.env }, opts.timeoutMs ?? 60_000);
    if (result.stderr.includes('in-process at')) throw new Error(`the CLI did not use the test's sandbox:\n${result.stderr}`);
    return result;
  };
  const arrayState = () => sandbox.ctx.state.array;
  const fsById = (fsId: string) => {
    const fs = arrayState().filesystems.find((f) => f.id === fsId);
    if (!fs) throw new Error(`no filesystem ${fsId}`);
    return fs;
  };
  const cli: SandboxCli = {
    dir,
    statePath,
    journalPath,
    url: sandbox.url,
    sandbox,
    mode,
    run,
    spawn: (args, opts = {}) => spawn(process.execPath, argvOf(args, opts.journal), { env: { ...baseEnv, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] }),
    async json<T>(args: string[], opts?: RunOptions): Promise<T> {
      const r = await run([...args, '-f', 'json'], opts);
      if (r.code !== 0) throw new Error(`ccsnap ${args.join(' ')} exited ${r.code}:\n${r.stderr}${r.stdout}`);
      return JSON.parse(r.stdout) as T;
    },
    async createSet(instance, ...args) {
      const rows = await cli.json<Array<Record<string, unknown>>>(['create', instance, ...args]);
      if (rows.length !== 1) throw new Error(`create ${instance}: ${rows.length} rows`);
      const set = snakeKeys(rows[0]!) as unknown as CreatedSet;
      if (set.state !== 'complete') throw new Error(`create ${instance}: set ${set.set_id} is ${set.state}`);
      return set;
    },
    mark: () => sandbox.ctx.transcript.lastSeq(),
    since: (seq = 0) => sandbox.ctx.transcript.list(seq),
    server(name) {
      const hits = sandbox.ctx.state.nova.servers.filter((s) => s.name === name);
      if (hits.length !== 1) throw new Error(`${hits.length} servers named ${name}`);
      return hits[0]!;
    },
    volumes(name) {
      const server = cli.server(name);
      return sandbox.ctx.state.cinder.volumes
        .flatMap((v) => v.attachments.filter((a) => a.serverId === server.id).map((a) => ({ v, device: a.device })))
        .sort((a, b) => a.device.localeCompare(b.device))
        .flatMap(({ v, device }) => {
          const fsName = v.id.replace(/-/g, '');
          const fs = arrayState().filesystems.find((f) => f.name === fsName);
          return fs ? [{ volumeId: v.id, fsId: fs.id, fsName, device }] : [];
        });
    },
    snapshotNames: (fsId) =>
      arrayState()
        .snapshots.map((s, i) => ({ s, i }))
        .filter(({ s }) => s.fsId === fsId)
        .sort((a, b) => a.s.createdAt - b.s.createdAt || a.i - b.i)
        .map(({ s }) => s.name),
    snapshotsOf: (name) => Object.fromEntries(cli.volumes(name).map((v) => [v.volumeId, cli.snapshotNames(v.fsId)])),
    async arrayCall(command, params = {}) {
      const query = new URLSearchParams({ command, ...params, apiKey: arrayState().apiKey, response: 'json' });
      const res = await fetch(`${sandbox.url}/client/api?${query.toString()}`);
      const body = (await res.json()) as Record<string, unknown>;
      if (!res.ok) throw new Error(`array ${command}: HTTP ${res.status} ${JSON.stringify(body)}`);
      return body;
    },
    snapshotPath(fsId, name) {
      const fs = fsById(fsId);
      const a = arrayState();
      const tsm = a.tsms.find((t) => t.id === fs.tsmId)!;
      const account = a.accounts.find((x) => x.id === fs.accountId)!;
      return `${fs.pool}/${account.name}${tsm.name}/${fs.name}@${name}`;
    },
    async close() {
      removeServerInfo(statePath, process.pid);
      await sandbox.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
  return cli;
}

/** A row's column names in snake_case: 'Set ID' -> set_id. */
function snakeKeys(row: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(row).map(([k, v]) => [k.toLowerCase().replace(/ /g, '_'), v]));
}

/** clouds.yaml + ccsnap config for the sandbox, as a real deployment would have them; returns the CLI globals. */
async function writeConfiguredCloud(dir: string, url: string, rollback: RollbackPolicy): Promise<string[]> {
  const cloudsPath = join(dir, 'clouds.yaml');
  const configPath = join(dir, 'ccsnap.yaml');
  await writeFile(cloudsPath, stringify({ clouds: { [SANDBOX_CLOUD_NAME]: sandboxCloudEntry(url) } }));
  const config = sandboxCcsnapConfig(url);
  const arrays = (config.arrays as Array<Record<string, unknown>>).map((a) => ({ ...a, rollback }));
  await writeFile(configPath, stringify({ clouds: { [SANDBOX_CLOUD_NAME]: { ...config, arrays } } }));
  return ['--os-cloud', SANDBOX_CLOUD_NAME, '--config', configPath];
}

/** The caller's environment without OpenStack/ccsnap settings, with HOME and state dirs inside `dir`. */
function cleanEnv(dir: string, mode: 'sandbox' | 'configured'): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^(OS_|CCSNAP_)/.test(k)) env[k] = v;
  return {
    ...env,
    HOME: dir,
    XDG_CONFIG_HOME: join(dir, 'config'),
    XDG_STATE_HOME: join(dir, 'xdg-state'),
    CCSNAP_SANDBOX_DIR: dir,
    ...(mode === 'configured' ? { OS_CLIENT_CONFIG_FILE: join(dir, 'clouds.yaml'), [SANDBOX_API_KEY_ENV]: SANDBOX_API_KEY } : {}),
    NO_COLOR: '1',
  };
}

function execCli(argv: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, argv, { env, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (!err) return resolve({ code: 0, stdout, stderr });
      const code = (err as NodeJS.ErrnoException & { code?: unknown }).code;
      if (typeof code === 'number') return resolve({ code, stdout, stderr });
      reject(new Error(`ccsnap ${argv.slice(1).join(' ')} failed to run: ${err.message}\n${stderr}`));
    });
  });
}

/** Parses the one-line CLI error `ccsnap: error: <message> [<CODE>]` (the last such line of stderr). */
export function cliError(stderr: string): { message: string; code: string } | undefined {
  const lines = stderr
    .trimEnd()
    .split('\n')
    .filter((l) => l.startsWith('ccsnap: error: '));
  const m = /^ccsnap: error: (.*) \[([A-Z0-9_]+)\]$/.exec(lines.at(-1) ?? '');
  return m ? { message: m[1]!, code: m[2]! } : undefined;
}
