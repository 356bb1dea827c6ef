import { EventEmitter } from 'node:events';
import { Writable } from 'node:stream';
import { main, type CliIo } from '../../../src/cli/main.js';

export class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer | string, _enc: BufferEncoding, cb: () => void): void {
    this.text += chunk.toString();
    cb();
  }
}

export interface Run {
  code: Promise<number>;
  stdout: Capture;
  stderr: Capture;
  signals: EventEmitter;
  exits: number[];
}

/** Runs the CLI in-process with captured streams and a fake signal source. */
export function start(argv: string[], env: NodeJS.ProcessEnv = {}, io: Partial<CliIo> = {}): Run {
  const stdout = new Capture();
  const stderr = new Capture();
  const signals = new EventEmitter();
  const exits: number[] = [];
  const code = main(argv, { stdout, stderr, env, isTTY: false, signals, exit: (c) => void exits.push(c), ...io });
  return { code, stdout, stderr, signals, exits };
}

export async function run(argv: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const r = start(argv, env);
  const code = await r.code;
  return { code, stdout: r.stdout.text, stderr: r.stderr.text };
}

export async function waitFor(predicate: () => boolean, ms = 25_000): Promise<void> {
  const until = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}
