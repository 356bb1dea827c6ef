import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Where Debian installs the clients; their shebang is /usr/bin/python3 (not pyenv's python3). */
const BIN_DIRS = ['/usr/bin', '/usr/local/bin'];

export type ClientName = 'openstack' | 'nova' | 'cinder';

export function clientPath(name: ClientName): string | undefined {
  return BIN_DIRS.map((d) => join(d, name)).find((p) => existsSync(p));
}

export function missingClients(): ClientName[] {
  return (['openstack', 'nova', 'cinder'] as const).filter((n) => !clientPath(n));
}

export interface ClientResult {
  stdout: string;
  stderr: string;
  code: number;
}

const home = mkdtempSync(join(tmpdir(), 'ccsnap-realclients-home-'));

/** A clean environment: only the OS_* variables for the sandbox, no inherited OS_CLOUD, pyenv or PYTHONPATH. */
export function clientEnv(sandboxUrl: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    PATH: '/usr/bin:/bin',
    HOME: home,
    LANG: 'C.UTF-8',
    LC_ALL: 'C.UTF-8',
    PYTHONWARNINGS: 'ignore',
    OS_AUTH_URL: `${sandboxUrl}/identity/v3`,
    OS_USERNAME: 'admin',
    OS_PASSWORD: 'sandbox',
    OS_PROJECT_NAME: 'admin',
    OS_USER_DOMAIN_NAME: 'Default',
    OS_PROJECT_DOMAIN_NAME: 'Default',
    OS_IDENTITY_API_VERSION: '3',
    OS_REGION_NAME: 'RegionOne',
    ...extra,
  };
}

/** Runs a client with an argument array (no shell); resolves with its output and exit code. */
export function runClient(name: ClientName, args: string[], sandboxUrl: string, extraEnv: Record<string, string> = {}): Promise<ClientResult> {
  const bin = clientPath(name);
  if (!bin) throw new Error(`${name} is not installed; run scripts/install-openstack-clients.sh`);
  return new Promise((resolve) => {
    execFile(bin, args, { env: clientEnv(sandboxUrl, extraEnv), timeout: 45_000, maxBuffer: 8 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ stdout, stderr, code });
    });
  });
}

/** Runs a client and fails with its stderr when it exits non-zero. */
export async function runOk(name: ClientName, args: string[], sandboxUrl: string, extraEnv: Record<string, string> = {}): Promise<string> {
  const res = await runClient(name, args, sandboxUrl, extraEnv);
  if (res.code !== 0) throw new Error(`${name} ${args.join(' ')} exited ${res.code}:\n${res.stderr}\n${res.stdout}`);
  return res.stdout;
}

/** The cells of an ASCII table row, e.g. "| a | b |" -> ["a", "b"]. */
export function tableRows(output: string): string[][] {
  return output
    .split('\n')
    .filter((l) => l.startsWith('|'))
    .map((l) =>
      l
        .split('|')
        .slice(1, -1)
        .map((c) => c.trim()),
    );
}
