import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { watchdogMainPath } from '../../src/engine/watchdog.js';

/** The real watchdog process (dist/engine/watchdog-main.js, built by `npm test`), spoken to line by line. */
function startWatchdog() {
  const dir = mkdtempSync(join(tmpdir(), 'ccsnap-watchdog-'));
  const logPath = join(dir, 'watchdog.log');
  const child = spawn(process.execPath, [watchdogMainPath()], { stdio: ['pipe', 'pipe', 'ignore'], env: { ...process.env, CCSNAP_WATCHDOG_LOG: logPath } });
  const replies: unknown[] = [];
  const waiters: Array<{ match: (r: Record<string, unknown>) => boolean; resolve: (r: Record<string, unknown>) => void }> = [];
  createInterface({ input: child.stdout }).on('line', (l) => {
    const reply = JSON.parse(l) as Record<string, unknown>;
    replies.push(reply);
    const i = waiters.findIndex((w) => w.match(reply));
    if (i >= 0) waiters.splice(i, 1)[0]!.resolve(reply);
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    replies,
    exited,
    send: (text: string) => child.stdin.write(`${text}\n`),
    /** Resolves with the first reply (from now on) that matches. */
    next: (match: (r: Record<string, unknown>) => boolean) => new Promise<Record<string, unknown>>((resolve) => waiters.push({ match, resolve })),
    log: () => readFileSync(logPath, 'utf8'),
    dispose: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

let dog: ReturnType<typeof startWatchdog> | undefined;
afterEach(() => dog?.dispose());

describe('the watchdog reading lines it cannot use', () => {
  it('logs and ignores them, answers an error to a request that names its id, and keeps serving', async () => {
    dog = startWatchdog();
    await dog.next((r) => r.op === 'ready');
    for (const bad of ['not json', '[1, 2]', '{"op":"reboot"}', '{"id":"op-0"}']) dog.send(bad);
    const refused = dog.next((r) => r.id === 'op-1');
    dog.send(JSON.stringify({ op: 'arm', id: 'op-1', domain: 'instance-00000001', host: 'compute-1', guardMs: 1000, callTimeoutMs: 1000 }));
    expect(await refused).toEqual({ op: 'error', id: 'op-1', message: 'bad request: arm: the hypervisor config must be an object' });
    const pong = dog.next((r) => r.op === 'pong');
    dog.send('{"op":"ping"}');
    await pong;
    // Only the lines that named an id were answered; the others, only logged.
    expect(dog.replies).toEqual([
      { op: 'ready', pid: dog.child.pid },
      { op: 'error', id: 'op-0', message: 'bad request: no op' },
      { op: 'error', id: 'op-1', message: 'bad request: arm: the hypervisor config must be an object' },
      { op: 'pong' },
    ]);
    expect(dog.log().match(/ignored a request it cannot read/g)).toHaveLength(5);
    dog.child.stdin.end();
    expect(await dog.exited).toBe(0);
  });
});
