import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { inject } from 'vitest';

const run = promisify(execFile);

/** What scripts/realvm/setup.sh printed, or why the suite cannot run. */
export interface RealVm {
  uri: string;
  domain: string;
  noAgentDomain: string;
  stoppedDomain: string;
  work: string;
  disk: string;
  console: string;
  bootMs: number;
  setupMs: number;
}

declare module 'vitest' {
  export interface ProvidedContext {
    realvm: RealVm | { skip: string };
  }
}

export function realvm(): RealVm | undefined {
  const v = inject('realvm');
  return 'skip' in v ? undefined : v;
}

export function skipReason(): string | undefined {
  const v = inject('realvm');
  return 'skip' in v ? v.skip : undefined;
}

async function agent(vm: RealVm, req: unknown): Promise<any> {
  const { stdout } = await run('virsh', ['-c', vm.uri, 'qemu-agent-command', vm.domain, JSON.stringify(req)], { encoding: 'utf8' });
  return (JSON.parse(stdout) as { return: unknown }).return;
}

/** Runs `sh -c command` in the guest through guest-exec and waits for it. */
export async function guestExec(vm: RealVm, command: string): Promise<{ code: number; out: string; err: string }> {
  const { pid } = await agent(vm, { execute: 'guest-exec', arguments: { path: '/bin/sh', arg: ['-c', command], 'capture-output': true } });
  const deadline = Date.now() + 60_000;
  for (;;) {
    const st = await agent(vm, { execute: 'guest-exec-status', arguments: { pid } });
    if (st.exited) {
      const dec = (s?: string): string => (s ? Buffer.from(s, 'base64').toString('utf8') : '');
      return { code: st.exitcode ?? -1, out: dec(st['out-data']), err: dec(st['err-data']) };
    }
    if (Date.now() > deadline) throw new Error(`guest-exec timed out: ${command}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Starts `command` detached in the guest (it may stop or kill the agent itself). */
export async function guestSpawn(vm: RealVm, command: string): Promise<void> {
  await agent(vm, { execute: 'guest-exec', arguments: { path: '/bin/sh', arg: ['-c', 'setsid sh -c "$0" </dev/null >/dev/null 2>&1 &', command] } });
}

/** The guest's serial console (userspace writes to /dev/console land here). */
export function consoleText(vm: RealVm): string {
  return readFileSync(vm.console, 'utf8');
}

export async function waitFor<T>(what: string, fn: () => Promise<T | undefined> | T | undefined, timeoutMs = 30_000, intervalMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** Waits until the guest agent answers guest-ping again. */
export async function waitForAgent(vm: RealVm, timeoutMs = 60_000): Promise<void> {
  await waitFor(
    'guest agent',
    async () => {
      try {
        await run('virsh', ['-c', vm.uri, 'qemu-agent-command', vm.domain, '--timeout', '2', '{"execute":"guest-ping"}']);
        return true;
      } catch {
        return undefined;
      }
    },
    timeoutMs,
    250,
  );
}

export async function sh(cmd: string, args: string[]): Promise<{ code: number; out: string; err: string }> {
  try {
    const { stdout, stderr } = await run(cmd, args, { encoding: 'utf8', maxBuffer: 16 << 20 });
    return { code: 0, out: stdout, err: stderr };
  } catch (e) {
    const x = e as { code: number; stdout: string; stderr: string };
    return { code: typeof x.code === 'number' ? x.code : -1, out: x.stdout ?? '', err: x.stderr ?? '' };
  }
}
