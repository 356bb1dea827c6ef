import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { inject } from 'vitest';
import { parse } from 'yaml';

const run = promisify(execFile);
const ROOT = new URL('../../', import.meta.url).pathname;
const CCSNAP_BIN = join(ROOT, 'bin', 'ccsnap.js');
const GUEST_EXEC = join(ROOT, 'scripts', 'realvm', 'guest-exec.mjs');

/** What scripts/realstack/setup.sh printed (REALSTACK_* without the prefix), or why the suite cannot run. */
export interface RealStack {
  work: string;
  cloud: string;
  cloudsYaml: string;
  config: string;
  journal: string;
  sandboxUrl: string;
  arrayData: string;
  serverId: string;
  serverName: string;
  domain: string;
  bootVolume: string;
  dataVolume: string;
  bootImage: string;
  dataImage: string;
  libvirtUri: string;
  bridgeLog: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    realstack: RealStack | { skip: string };
  }
}

export function realstack(): RealStack | undefined {
  const v = inject('realstack');
  return 'skip' in v ? undefined : v;
}

export function skipReason(): string | undefined {
  const v = inject('realstack');
  return 'skip' in v ? v.skip : undefined;
}

/** Appends "test:<name>\t<ms>" to WORK/timings.tsv for a duration measured by the test itself. */
export function record(rs: RealStack, name: string, ms: number): void {
  appendFileSync(join(rs.work, 'timings.tsv'), `test:${name}\t${Math.round(ms)}\n`);
}

/** Appends "test:<name>\t<ms>" to WORK/timings.tsv (printed by the global teardown) and returns fn's value. */
export async function timed<T>(rs: RealStack, name: string, fn: () => Promise<T>): Promise<T> {
  const t0 = performance.now();
  try {
    return await fn();
  } finally {
    record(rs, name, performance.now() - t0);
  }
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Longest a single CLI run may take before the test stops it (SIGTERM: ccsnap cleans up), below the test timeout. */
const CLI_TIMEOUT_MS = 180_000;

/** The built CLI as an operator runs it against this cloud: --os-cloud, --config, clouds.yaml via OS_CLIENT_CONFIG_FILE. */
export function spawnCcsnap(rs: RealStack, args: string[]): { child: ChildProcess; done: Promise<CliResult> } {
  const env: NodeJS.ProcessEnv = { ...process.env, OS_CLIENT_CONFIG_FILE: rs.cloudsYaml, CCSNAP_JOURNAL: rs.journal };
  for (const k of Object.keys(env)) if (k.startsWith('OS_') && k !== 'OS_CLIENT_CONFIG_FILE') delete env[k];
  const child = spawn(process.execPath, [CCSNAP_BIN, '--os-cloud', rs.cloud, '--config', rs.config, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const timer = setTimeout(() => {
    stderr += `\n[test] ccsnap ${args.join(' ')} still running after ${CLI_TIMEOUT_MS} ms: sent SIGTERM\n`;
    child.kill('SIGTERM');
  }, CLI_TIMEOUT_MS);
  const done = new Promise<CliResult>((resolve) =>
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    }),
  );
  return { child, done };
}

export function ccsnap(rs: RealStack, args: string[]): Promise<CliResult> {
  return spawnCcsnap(rs, args).done;
}

/** Runs a ccsnap command with `-f json`, expects exit 0 and returns the parsed output. */
export async function ccsnapJson<T = any>(rs: RealStack, args: string[]): Promise<T> {
  const r = await ccsnap(rs, [...args, '-f', 'json']);
  if (r.code !== 0) throw new Error(`ccsnap ${args.join(' ')} exited ${r.code}:\n${r.stderr}\n${r.stdout}`);
  return JSON.parse(r.stdout) as T;
}

/** `ccsnap sandbox faults add|clear --url` against the suite's array. */
export async function arrayFault(rs: RealStack, rule: Record<string, unknown> | 'clear'): Promise<void> {
  const args =
    rule === 'clear' ? ['sandbox', 'faults', 'clear', '--url', rs.sandboxUrl] : ['sandbox', 'faults', 'add', '--url', rs.sandboxUrl, JSON.stringify(rule)];
  await run(process.execPath, [CCSNAP_BIN, ...args], { encoding: 'utf8' });
}

export async function virsh(rs: RealStack, args: string[]): Promise<string> {
  const { stdout } = await run('virsh', ['-q', '-c', rs.libvirtUri, ...args], { encoding: 'utf8', timeout: 30_000 });
  return stdout.trim();
}

export async function domainState(rs: RealStack): Promise<string> {
  return (await virsh(rs, ['domstate', rs.domain])).split('\n')[0]!.trim();
}

/** The agent's own answer to guest-fsfreeze-status ("frozen" | "thawed"), asked through libvirt. */
export async function fsfreezeStatus(rs: RealStack): Promise<string> {
  const out = await virsh(rs, ['qemu-agent-command', rs.domain, '--timeout', '5', '{"execute":"guest-fsfreeze-status"}']);
  return (JSON.parse(out) as { return: string }).return;
}

/** A shell command inside the guest (scripts/realvm/guest-exec.mjs); rejects on a non-zero exit. */
export async function guest(rs: RealStack, command: string): Promise<string> {
  const { stdout } = await run(process.execPath, [GUEST_EXEC, '-c', rs.libvirtUri, rs.domain, command], { encoding: 'utf8', timeout: 90_000 });
  return stdout;
}

/** Polls `sample` every `intervalMs` until `stop` settles, then once more; returns every sample with its time. */
export function sampleUntil<T>(sample: () => Promise<T>, stop: Promise<unknown>, intervalMs: number): Promise<Array<{ at: number; value: T | Error }>> {
  const samples: Array<{ at: number; value: T | Error }> = [];
  let stopped = false;
  void stop.finally(() => (stopped = true));
  const take = async (): Promise<void> => {
    const at = Date.now();
    try {
      samples.push({ at, value: await sample() });
    } catch (err) {
      samples.push({ at, value: err as Error });
    }
  };
  return (async () => {
    while (!stopped) {
      await take();
      await new Promise((r) => setTimeout(r, intervalMs));
    }
    await take();
    return samples;
  })();
}

export async function waitFor<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs: number, intervalMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

// ---- Nova, read directly (not through ccsnap) so the test sees what the cloud reports ----

interface CloudAuth {
  auth_url: string;
  username: string;
  password: string;
  project_name: string;
}

let token: { value: string; compute: string } | undefined;

async function novaToken(rs: RealStack): Promise<{ value: string; compute: string }> {
  if (token) return token;
  const auth = (parse(readFileSync(rs.cloudsYaml, 'utf8')) as { clouds: Record<string, { auth: CloudAuth }> }).clouds[rs.cloud]!.auth;
  const res = await fetch(`${auth.auth_url}/auth/tokens`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      auth: {
        identity: { methods: ['password'], password: { user: { name: auth.username, password: auth.password, domain: { name: 'Default' } } } },
        scope: { project: { name: auth.project_name, domain: { name: 'Default' } } },
      },
    }),
  });
  if (res.status !== 201) throw new Error(`keystone: HTTP ${res.status}`);
  const body = (await res.json()) as { token: { catalog: Array<{ type: string; endpoints: Array<{ interface: string; url: string }> }> } };
  const compute = body.token.catalog.find((c) => c.type === 'compute')!.endpoints.find((e) => e.interface === 'public')!.url;
  token = { value: res.headers.get('x-subject-token')!, compute };
  return token;
}

/** Nova's status of the suite's instance (ACTIVE, SHUTOFF, ...) and its task state. */
export async function novaServer(rs: RealStack): Promise<{ status: string; taskState: string | null }> {
  const t = await novaToken(rs);
  const res = await fetch(`${t.compute}/servers/${rs.serverId}`, {
    headers: { 'X-Auth-Token': t.value, 'OpenStack-API-Version': 'compute 2.79' },
    signal: AbortSignal.timeout(10_000),
  });
  if (!res.ok) throw new Error(`nova: HTTP ${res.status}`);
  const s = ((await res.json()) as { server: Record<string, unknown> }).server;
  return { status: String(s.status), taskState: (s['OS-EXT-STS:task_state'] as string | null) ?? null };
}

// ---- the sandbox array, read directly ----

export interface ArraySnapshot {
  name: string;
  path: string;
}

/** listStorageSnapshots of one filesystem, asked of the array itself. */
export async function arraySnapshots(rs: RealStack, fsId: string): Promise<ArraySnapshot[]> {
  const key = readFileSync(join(rs.work, 'array', 'api-key'), 'utf8').trim();
  const url = `${rs.sandboxUrl}/client/api?command=listStorageSnapshots&response=json&id=${fsId}&apiKey=${encodeURIComponent(key)}`;
  const body = (await (await fetch(url)).json()) as { listDatasetSnapshotsResponse?: { snapshot?: ArraySnapshot[] } };
  return body.listDatasetSnapshotsResponse?.snapshot ?? [];
}

/** The array's state file: snapshot records with the image file that holds each copy. */
export function arraySnapshotImages(rs: RealStack): Array<{ name: string; fsId: string; imagePath?: string }> {
  const state = JSON.parse(readFileSync(join(rs.work, 'array', 'state.json'), 'utf8')) as {
    array: { snapshots: Array<{ name: string; fsId: string; imagePath?: string }> };
  };
  return state.array.snapshots;
}

/** e2fsck -fn (read-only, forced) and the superblock features of an ext4 image. */
export async function checkExt4(image: string): Promise<{ fsckCode: number; fsckOutput: string; features: string[]; state: string }> {
  let fsckCode = 0;
  let fsckOutput = '';
  try {
    const r = await run('e2fsck', ['-fn', image], { encoding: 'utf8' });
    fsckOutput = r.stdout + r.stderr;
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    fsckCode = e.code;
    fsckOutput = e.stdout + e.stderr;
  }
  const { stdout } = await run('dumpe2fs', ['-h', image], { encoding: 'utf8' });
  const line = (key: string): string =>
    stdout
      .split('\n')
      .find((l) => l.startsWith(`${key}:`))
      ?.slice(key.length + 1)
      .trim() ?? '';
  return { fsckCode, fsckOutput, features: line('Filesystem features').split(/\s+/), state: line('Filesystem state') };
}
