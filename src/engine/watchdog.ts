import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { CcsnapError } from '../errors.js';
import type { ArmMessage, WatchdogReply, WatchdogRequest } from './watchdog-protocol.js';

export interface WatchdogOptions {
  /** Log file for the watchdog's own record of what it did (appended). */
  logPath?: string;
  /** Program and arguments that start the watchdog (default: this Node with watchdog-main.js). */
  command?: string[];
  startTimeoutMs?: number;
}

/** The compiled watchdog entry: next to this module in dist/, or dist/ when running from sources (tests). */
export function watchdogMainPath(): string {
  const sibling = fileURLToPath(new URL('./watchdog-main.js', import.meta.url));
  return existsSync(sibling) ? sibling : fileURLToPath(new URL('../../dist/engine/watchdog-main.js', import.meta.url));
}

const REQUEST_TIMEOUT_MS = 5000;

/** The ccsnap side of the watchdog: spawns it once, arms and disarms guests. */
export class Watchdog {
  private child: ChildProcess | undefined;
  private starting: Promise<void> | undefined;
  private readonly waiters = new Map<string, (reply: WatchdogReply) => void>();
  /** Set when the watchdog process is gone: nothing can be armed any more. */
  private dead: string | undefined;

  constructor(private readonly options: WatchdogOptions = {}) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Starts the watchdog process ahead of need; a failure surfaces at the first arm. */
  warm(): void {
    this.start().catch(() => undefined);
  }

  /** Arms the watchdog for one guest; resolves once the watchdog has acknowledged. */
  async arm(message: Omit<ArmMessage, 'op'>): Promise<void> {
    await this.start();
    if (this.dead) throw new CcsnapError('CCSNAP_WATCHDOG', `the thaw watchdog is gone (${this.dead}); refusing to freeze without it`);
    await this.request({ op: 'arm', ...message }, `armed:${message.id}`);
  }

  /** Disarms a guest (after ccsnap verified it thawed). A dead watchdog has nothing armed. */
  async disarm(id: string): Promise<void> {
    if (!this.child || this.dead) return;
    await this.request({ op: 'disarm', id }, `disarmed:${id}`);
  }

  /** Moves an armed guest's deadline; a pipe write, no acknowledgement awaited. */
  tighten(id: string, deadline: number): void {
    this.send({ op: 'tighten', id, deadline });
  }

  /** Lets the watchdog exit once nothing is armed. */
  close(): void {
    if (!this.child) return;
    this.send({ op: 'exit' });
    this.child.stdin?.end();
    this.child.stdout?.destroy();
    this.child.unref();
    this.child = undefined;
  }

  private start(): Promise<void> {
    this.starting ??= this.spawnChild();
    return this.starting;
  }

  private spawnChild(): Promise<void> {
    const [program, ...args] = this.options.command ?? [process.execPath, watchdogMainPath()];
    const env = { ...process.env, ...(this.options.logPath ? { CCSNAP_WATCHDOG_LOG: this.options.logPath } : {}) };
    const child = spawn(program!, args, { detached: true, stdio: ['pipe', 'pipe', 'ignore'], env });
    this.child = child;
    child.on('error', () => this.markDead('watchdog process failed to start'));
    // A watchdog that died must never crash ccsnap (an EPIPE on write would, unhandled, mid-window).
    child.stdin!.on('error', () => this.markDead('watchdog pipe closed'));
    child.on('exit', (code, signal) => this.markDead(`watchdog process exited (${signal ?? code})`));
    createInterface({ input: child.stdout! }).on('line', (line) => this.onLine(line));
    const ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new CcsnapError('CCSNAP_WATCHDOG_START', 'the thaw watchdog did not start in time; refusing to freeze without it')), this.options.startTimeoutMs ?? 5000);
      this.waiters.set('ready', (reply) => {
        clearTimeout(timer);
        if (reply.op === 'ready') resolve();
        else reject(new CcsnapError('CCSNAP_WATCHDOG_START', `the thaw watchdog could not start: ${reply.op === 'error' ? reply.message : 'no ready'}`));
      });
    });
    return ready;
  }

  /** Sends one request and waits for its acknowledgement, at most `REQUEST_TIMEOUT_MS`. */
  private request(message: WatchdogRequest, key: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(key);
        reject(new CcsnapError('CCSNAP_WATCHDOG', `the thaw watchdog did not answer "${message.op}" within ${REQUEST_TIMEOUT_MS} ms`));
      }, REQUEST_TIMEOUT_MS);
      this.waiters.set(key, (reply) => {
        clearTimeout(timer);
        if (reply.op === 'error') reject(new CcsnapError('CCSNAP_WATCHDOG', `watchdog: ${reply.message}`));
        else resolve();
      });
      this.send(message);
    });
  }

  private markDead(why: string): void {
    this.dead ??= why;
    this.failAll(why);
  }

  private send(message: WatchdogRequest): void {
    const stdin = this.child?.stdin;
    if (this.dead || !stdin || stdin.destroyed || !stdin.writable) return;
    stdin.write(`${JSON.stringify(message)}\n`);
  }

  private onLine(line: string): void {
    let reply: WatchdogReply;
    try {
      reply = JSON.parse(line) as WatchdogReply;
    } catch {
      return;
    }
    const key = reply.op === 'ready' ? 'ready' : 'id' in reply && reply.id ? `${reply.op === 'error' ? this.errorKey(reply.id) : `${reply.op}:${reply.id}`}` : reply.op;
    const waiter = this.waiters.get(key);
    if (waiter) {
      this.waiters.delete(key);
      waiter(reply);
    }
  }

  private errorKey(id: string): string {
    return [...this.waiters.keys()].find((k) => k.endsWith(`:${id}`)) ?? `error:${id}`;
  }

  private failAll(message: string): void {
    for (const [key, waiter] of this.waiters) {
      this.waiters.delete(key);
      waiter({ op: 'error', message });
    }
  }
}
