import type { Logger } from './types.js';

export type ExitSignal = 'SIGINT' | 'SIGTERM';
export const SIGNAL_EXIT_CODES: Record<ExitSignal, number> = { SIGINT: 130, SIGTERM: 143 };

/**
 * SIGINT/SIGTERM handling for one command run. The first signal aborts `signal` and the command
 * cleans up; the framework then exits 130 (SIGINT) or 143 (SIGTERM). A further signal exits at once
 * (`forceExit`), except while a critical section runs: then it is ignored.
 */
export class SignalGuard {
  readonly controller = new AbortController();
  received: ExitSignal | undefined;
  private critical: string[] = [];
  private readonly listeners: Array<[ExitSignal, () => void]> = [];

  constructor(
    private readonly log: Logger,
    private readonly forceExit: (code: number) => void,
  ) {}

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  install(emitter: NodeJS.EventEmitter): () => void {
    for (const name of ['SIGINT', 'SIGTERM'] as const) {
      const fn = (): void => this.onSignal(name);
      this.listeners.push([name, fn]);
      emitter.on(name, fn);
    }
    return () => {
      for (const [name, fn] of this.listeners) emitter.off(name, fn);
      this.listeners.length = 0;
    };
  }

  onSignal(name: ExitSignal): void {
    if (this.received === undefined) {
      this.received = name;
      this.log.warn(`${name === 'SIGINT' ? 'interrupted' : 'terminated'}; cleaning up (send ${name} again to stop at once)`);
      this.controller.abort(new DOMException(`received ${name}`, 'AbortError'));
      return;
    }
    if (this.critical.length > 0) {
      this.log.warn(`${name} ignored: waiting for ${this.critical.at(-1)} to finish`);
      return;
    }
    this.forceExit(SIGNAL_EXIT_CODES[this.received]);
  }

  async criticalSection<T>(label: string, fn: () => Promise<T>): Promise<T> {
    this.critical.push(label);
    try {
      return await fn();
    } finally {
      const i = this.critical.lastIndexOf(label);
      if (i >= 0) this.critical.splice(i, 1);
    }
  }
}
