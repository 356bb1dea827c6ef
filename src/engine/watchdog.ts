import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { CcsnapError } from '../errors.js';
import { childEnv } from '../util/child-env.js';
import { parseWatchdogReply } from './watchdog-parse.js';
import type { ArmMessage, PrepareMessage, WatchdogReply, WatchdogRequest, WatchdogThaw } from './watchdog-protocol.js';

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
  private readonly goneWaiters: Array<(why: string) => void> = [];

  constructor(private readonly options: WatchdogOptions = {}) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Starts the watchdog process ahead of need; a failure surfaces at the first arm. */
  warm(): void {
    this.start().catch(() => undefined);
  }

  /** Resolves once the watchdog process has started and said it is ready. */
  ready(): Promise<void> {
    return this.start();
  }

  /** Resolves with the reason once the watchdog process is gone. */
  gone(): Promise<string> {
    if (this.dead) return Promise.resolve(this.dead);
    return new Promise((resolve) => this.goneWaiters.push(resolve));
  }

  /** Arms the watchdog for one guest; resolves once the watchdog has acknowledged. */
  async arm(message: Omit<ArmMessage, 'op'>): Promise<void> {
    // A long-lived process (a daemon, a worker) never stays unable to freeze: a watchdog that died is replaced
    // before the next arm. The guests the dead one watched were handed back to their creates (failAll).
    if (this.dead) this.forgetDead();
    await this.start();
    if (this.dead) throw new CcsnapError('CCSNAP_WATCHDOG', `the thaw watchdog is gone (${this.dead}); refusing to freeze without it`);
    // The watchdog answers once its own connection to the domain works (bounded by one call's timeout).
    await this.request({ op: 'arm', ...message }, `armed:${message.id}`, REQUEST_TIMEOUT_MS + message.callTimeoutMs);
  }

  /**
   * Disarms a guest (after ccsnap verified the agent answered "thawed"); resolves with what the
   * watchdog did for it if it fired meanwhile. A dead watchdog has nothing armed.
   */
  async disarm(id: string): Promise<WatchdogThaw | undefined> {
    if (!this.child || this.dead) return undefined;
    const reply = await this.request({ op: 'disarm', id }, `disarmed:${id}`);
    return reply.op === 'disarmed' ? reply.thaw : undefined;
  }

  /** Lets the watchdog open its connection to a guest ahead of the arm (fire-and-forget; starts the process if needed). */
  prepare(message: Omit<PrepareMessage, 'op'>): void {
    this.start().then(
      () => this.send({ op: 'prepare', ...message }),
      () => undefined,
    );
  }

  /**
   * The freeze is being sent now: the watchdog fires at `deadline` (epoch ms) unless disarmed. One pipe
   * write, made synchronously before the freeze request leaves, so no freeze is ever sent unwatched.
   */
  freezing(id: string, deadline: number): void {
    this.send({ op: 'freezing', id, deadline });
  }

  /** Hands a guest over: the watchdog guards it now, for its whole guard time, even after ccsnap exits. */
  async guard(id: string): Promise<void> {
    if (this.dead) throw new CcsnapError('CCSNAP_WATCHDOG', `the thaw watchdog is gone (${this.dead}); the guest could not be handed over`);
    await this.request({ op: 'guard', id }, `guarding:${id}`);
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
    const env = { ...childEnv(), ...(this.options.logPath ? { CCSNAP_WATCHDOG_LOG: this.options.logPath } : {}) };
    const child = spawn(program!, args, { detached: true, stdio: ['pipe', 'pipe', 'ignore'], env });
    this.child = child;
    child.on('error', () => this.markDead('watchdog process failed to start'));
    // A watchdog that died must never crash ccsnap (an EPIPE on write would, unhandled, mid-window).
    child.stdin.on('error', () => this.markDead('watchdog pipe closed'));
    child.on('exit', (code, signal) => this.markDead(`watchdog process exited (${signal ?? code})`));
    createInterface({ input: child.stdout }).on('line', (line) => this.onLine(line));
    const ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new CcsnapError('CCSNAP_WATCHDOG_START', 'the thaw watchdog did not start in time; refusing to freeze without it')),
        this.options.startTimeoutMs ?? 5000,
      );
      this.waiters.set('ready', (reply) => {
        clearTimeout(timer);
        if (reply.op === 'ready') resolve();
        else reject(new CcsnapError('CCSNAP_WATCHDOG_START', `the thaw watchdog could not start: ${reply.op === 'error' ? reply.message : 'no ready'}`));
      });
    });
    return ready;
  }

  /** Sends one request and waits for its acknowledgement, at most `REQUEST_TIMEOUT_MS`. */
  private request(message: WatchdogRequest, key: string, timeoutMs = REQUEST_TIMEOUT_MS): Promise<WatchdogReply> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(key);
        reject(new CcsnapError('CCSNAP_WATCHDOG', `the thaw watchdog did not answer "${message.op}" within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.set(key, (reply) => {
        clearTimeout(timer);
        if (reply.op === 'error') reject(new CcsnapError('CCSNAP_WATCHDOG', `watchdog: ${reply.message}`));
        else resolve(reply);
      });
      this.send(message);
    });
  }

  private forgetDead(): void {
    this.child = undefined;
    this.starting = undefined;
    this.dead = undefined;
  }

  private markDead(why: string): void {
    this.dead ??= why;
    this.failAll(why);
    for (const w of this.goneWaiters.splice(0)) w(this.dead);
  }

  private send(message: WatchdogRequest): void {
    const stdin = this.child?.stdin;
    if (this.dead || !stdin || stdin.destroyed || !stdin.writable) return;
    stdin.write(`${JSON.stringify(message)}\n`);
  }

  /** One reply of the watchdog; a line it cannot read is ignored (the request it answered then times out). */
  private onLine(line: string): void {
    const parsed = parseWatchdogReply(line);
    if (!parsed.ok) return;
    const reply = parsed.message;
    const key =
      reply.op === 'ready' ? 'ready' : 'id' in reply && reply.id ? `${reply.op === 'error' ? this.errorKey(reply.id) : `${reply.op}:${reply.id}`}` : reply.op;
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
