import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import type { VirshResult, VirshRunner } from './types.js';
import { formatVirshLine } from './virsh-quote.js';
import { errorLines } from './errors.js';
import { abortedError } from './virsh-oneshot.js';
import { childEnv } from '../util/child-env.js';

export interface SessionOptions {
  virsh: string;
  uri: string;
  env?: Record<string, string>;
}

interface Job {
  line: string;
  signal: AbortSignal;
  resolve(result: VirshResult): void;
  reject(err: unknown): void;
  urgent: boolean;
  onQueuedAbort?: () => void;
}

/** Lines virsh prints on stderr that do not mean the command failed. */
const NOTICE_RE = /^(Reconnected to the hypervisor|Disconnected from .* due to )/;

/**
 * One long-lived, connected `virsh -c URI` (interactive mode) driven over stdin. For each command it writes
 *   echo <T>B / <command line> / echo <T>E / echo --err <T>E
 * and reads stdout until the line "<T>E" and stderr until "error: <T>E". virsh's readline echoes each input
 * line after a "virsh # " prompt on stdout; the command's own output is what lies between the echoed command
 * line and the prompt of the end marker. Commands are serialized (urgent ones, i.e. thaw, jump the queue).
 * On a deadline, abort or death the process is killed and the next command starts a new one.
 */
export function createSessionRunner(options: SessionOptions): VirshRunner {
  const session = new VirshSession(options);
  return { uri: options.uri, run: (argv, o) => session.run(argv, o), close: () => session.close() };
}

export class VirshSession {
  private child: ChildProcessWithoutNullStreams | undefined;
  private out = '';
  private err = '';
  private readonly queue: Job[] = [];
  private busy = false;
  private closed = false;
  private onData: (() => void) | undefined;
  private onExit: ((code: number) => void) | undefined;
  /** Number of virsh processes started so far (for tests and benchmarks). */
  spawned = 0;

  constructor(private readonly options: SessionOptions) {}

  run(argv: string[], { signal, urgent = false }: { signal: AbortSignal; urgent?: boolean }): Promise<VirshResult> {
    const line = formatVirshLine(argv);
    return new Promise((resolve, reject) => {
      if (this.closed) return reject(new Error('virsh session closed'));
      if (signal.aborted) return reject(abortedError(signal));
      const job: Job = { line, signal, resolve, reject, urgent };
      if (urgent) {
        const at = this.queue.findIndex((j) => !j.urgent);
        this.queue.splice(at < 0 ? this.queue.length : at, 0, job);
      } else this.queue.push(job);
      job.onQueuedAbort = () => this.dropQueued(job);
      signal.addEventListener('abort', job.onQueuedAbort, { once: true });
      this.pump();
    });
  }

  /** The pid of the current virsh process, if one is running. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) job.reject(new Error('virsh session closed'));
    const child = this.child;
    if (!child) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => child.kill('SIGKILL'), 1000);
      child.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      child.stdin.end('quit\n');
    });
  }

  private dropQueued(job: Job): void {
    const i = this.queue.indexOf(job);
    if (i >= 0) {
      this.queue.splice(i, 1);
      job.reject(abortedError(job.signal));
    }
  }

  private pump(): void {
    if (this.busy) return;
    const job = this.queue.shift();
    if (!job) {
      this.setRef(false);
      return;
    }
    this.busy = true;
    this.setRef(true);
    void this.execute(job).then(() => this.pump());
  }

  private async execute(job: Job): Promise<void> {
    if (job.onQueuedAbort) job.signal.removeEventListener('abort', job.onQueuedAbort);
    const started = performance.now();
    const token = `ccsnap${randomBytes(6).toString('hex')}`;
    const child = this.ensureChild();
    try {
      const result = await new Promise<VirshResult>((resolve, reject) => {
        const finish = (): void => {
          this.onData = undefined;
          this.onExit = undefined;
          job.signal.removeEventListener('abort', onAbort);
        };
        const onAbort = (): void => {
          finish();
          this.kill();
          reject(abortedError(job.signal));
        };
        job.signal.addEventListener('abort', onAbort, { once: true });
        this.onData = () => {
          const parsed = this.extract(token);
          if (!parsed) return;
          finish();
          resolve({ ...parsed, durationMs: performance.now() - started });
        };
        this.onExit = (code) => {
          finish();
          const stdout = this.out;
          const stderr = this.err;
          this.out = '';
          this.err = '';
          resolve({ stdout, stderr: stderr || `virsh exited (status ${code})\n`, exitCode: code || 1, durationMs: performance.now() - started });
        };
        child.stdin.write(`echo ${token}B\n${job.line}\necho ${token}E\necho --err ${token}E\n`);
        this.onData();
      });
      this.busy = false;
      job.resolve(result);
    } catch (err) {
      this.busy = false;
      job.reject(err);
    }
  }

  /** Takes one finished command out of the buffers, or undefined while it is still running. */
  private extract(token: string): Omit<VirshResult, 'durationMs'> | undefined {
    const endOut = `\n${token}E\n`;
    const endErr = `error: ${token}E\n`;
    const e = this.out.indexOf(endOut);
    const f = this.err.indexOf(endErr);
    if (e < 0 || f < 0) return undefined;
    const begin = this.out.indexOf(`\n${token}B\n`);
    let body = this.out.slice(begin < 0 ? 0 : begin + token.length + 3, e + 1);
    this.out = this.out.slice(e + endOut.length);
    const stderr = this.err.slice(0, f);
    this.err = this.err.slice(f + endErr.length);
    // body = "<prompt><command line>\n<output><prompt>echo <T>E\n"
    body = body.slice(0, body.lastIndexOf(`echo ${token}E`)).replace(/virsh [#>] $/, '');
    const nl = body.indexOf('\n');
    const stdout = nl < 0 ? '' : body.slice(nl + 1);
    const failed = errorLines(stderr).some((l) => !NOTICE_RE.test(l));
    return { stdout, stderr, exitCode: failed ? 1 : 0 };
  }

  private ensureChild(): ChildProcessWithoutNullStreams {
    if (this.child) return this.child;
    const child = spawn(this.options.virsh, ['-c', this.options.uri], {
      stdio: ['pipe', 'pipe', 'pipe'],
      // Own process group: a terminal Ctrl-C must not kill the session the thaw needs (stdin EOF still ends it).
      detached: true,
      // readline echoes input; a dumb terminal that is very wide keeps each echoed line on one line
      env: { ...childEnv(), ...this.options.env, LC_ALL: 'C', TERM: 'dumb', COLUMNS: '1000000', LINES: '1000', INPUTRC: '/dev/null' },
    });
    this.spawned++;
    this.child = child;
    this.out = '';
    this.err = '';
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (s: string) => {
      if (this.child !== child) return;
      this.out += s;
      this.onData?.();
    });
    child.stderr.on('data', (s: string) => {
      if (this.child !== child) return;
      this.err += s;
      this.onData?.();
    });
    child.stdin.on('error', () => {});
    const onGone = (code: number | null): void => {
      if (this.child !== child) return;
      this.child = undefined;
      this.onExit?.(code ?? 1);
    };
    child.on('close', onGone);
    child.on('error', (e) => {
      if (this.child !== child) return;
      this.err += `error: cannot run ${this.options.virsh}: ${(e as NodeJS.ErrnoException).code ?? e.message}\n`;
      onGone(127);
    });
    return child;
  }

  private kill(): void {
    const child = this.child;
    this.child = undefined;
    child?.kill('SIGKILL');
  }

  private setRef(ref: boolean): void {
    const child = this.child;
    if (!child) return;
    for (const s of [child.stdout, child.stderr, child.stdin] as unknown as Socket[]) {
      if (ref) s.ref?.();
      else s.unref?.();
    }
    if (ref) child.ref();
    else child.unref();
  }
}
