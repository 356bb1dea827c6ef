import { existsSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { isProcessAlive } from '../index.js';

/** $CCSNAP_SANDBOX_DIR, else ${XDG_STATE_HOME:-~/.local/state}/ccsnap/sandbox. */
export function sandboxDir(env: NodeJS.ProcessEnv): string {
  if (env.CCSNAP_SANDBOX_DIR) return env.CCSNAP_SANDBOX_DIR;
  const stateHome = env.XDG_STATE_HOME || join(env.HOME || homedir(), '.local', 'state');
  return join(stateHome, 'ccsnap', 'sandbox');
}

export function defaultStatePath(env: NodeJS.ProcessEnv): string {
  return join(sandboxDir(env), 'state.json');
}

/** What a running `ccsnap sandbox serve` writes next to its state file. */
export interface ServerInfo {
  url: string;
  pid: number;
  statePath: string;
}

export function serverInfoPath(statePath: string): string {
  return join(dirname(statePath), 'server.json');
}

export function writeServerInfo(info: ServerInfo): void {
  mkdirSync(dirname(info.statePath), { recursive: true, mode: 0o700 });
  writeFileSync(serverInfoPath(info.statePath), `${JSON.stringify(info)}\n`, { mode: 0o600 });
}

export function removeServerInfo(statePath: string, pid: number): void {
  const info = readServerInfo(statePath);
  if (info?.pid === pid) rmSync(serverInfoPath(statePath), { force: true });
}

/** The running server for this state file, if its process is still alive. */
export function readServerInfo(statePath: string): ServerInfo | undefined {
  const path = serverInfoPath(statePath);
  if (!existsSync(path)) return undefined;
  try {
    const info = JSON.parse(readFileSync(path, 'utf8')) as ServerInfo;
    return typeof info.url === 'string' && typeof info.pid === 'number' && isProcessAlive(info.pid) ? info : undefined;
  } catch {
    return undefined;
  }
}
