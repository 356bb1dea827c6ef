import { spawn } from 'node:child_process';
import { CcsnapError } from '../errors.js';
import type { VirshResult, VirshRunner } from './types.js';
import { assertVirshArg } from './virsh-quote.js';
import { childEnv } from '../util/child-env.js';

export interface OneshotOptions {
  virsh: string;
  uri: string;
  env?: Record<string, string>;
}

/** One `virsh -c URI CMD ARGS...` process per command (argument array, no shell). */
export function createOneshotRunner(options: OneshotOptions): VirshRunner {
  return {
    uri: options.uri,
    run: (argv, { signal }) => runOnce(options, argv, signal),
    close: async () => {},
  };
}

function runOnce(options: OneshotOptions, argv: string[], signal: AbortSignal): Promise<VirshResult> {
  argv.forEach(assertVirshArg);
  const started = performance.now();
  return new Promise<VirshResult>((resolve, reject) => {
    if (signal.aborted) {
      reject(abortedError(signal));
      return;
    }
    const child = spawn(options.virsh, ['-c', options.uri, ...argv], {
      stdio: ['ignore', 'pipe', 'pipe'],
      // Own process group: a terminal Ctrl-C must not kill a thaw in flight.
      detached: true,
      env: { ...childEnv(), ...options.env, LC_ALL: 'C' },
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    const onAbort = (): void => {
      child.kill('SIGKILL');
      reject(abortedError(signal));
    };
    signal.addEventListener('abort', onAbort, { once: true });
    child.on('error', (e) => {
      signal.removeEventListener('abort', onAbort);
      reject(e);
    });
    child.on('close', (code, sig) => {
      signal.removeEventListener('abort', onAbort);
      resolve({
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        exitCode: code ?? (sig ? 128 : -1),
        durationMs: performance.now() - started,
      });
    });
  });
}

/** Marks an abort so the driver can tell the deadline from a spawn failure. */
export function abortedError(signal: AbortSignal): CcsnapError {
  return new CcsnapError('CCSNAP_ABORTED', 'virsh command aborted', { cause: signal.reason });
}
