import { selectColumns, sortRows } from './format/select.js';
import { CommanderError, type Command } from 'commander';
import { CcsnapError, isAbortError } from '../core.js';
import { scanArgv } from './argv.js';
import { formatResult } from './format/index.js';
import { writeListStream } from './format/stream.js';
import { resolveGlobals } from './globals.js';
import { enableHttpDebug } from './http-debug.js';
import { createLogger, levelFor } from './logger.js';
import { readOutputOptions } from './output-options.js';
import { buildProgram } from './program.js';
import { findCommand, loadCommand } from './registry.js';
import { renderError } from './render-error.js';
import { SIGNAL_EXIT_CODES, SignalGuard } from './signals.js';
import { readVersion } from './version.js';
import type { CommandContext, CommandSpec } from './types.js';

export interface CliIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
  isTTY: boolean;
  /** Where SIGINT/SIGTERM come from (default: process). */
  signals: NodeJS.EventEmitter;
  /** Exits at once (a second signal outside a critical section). Default: process.exit. */
  exit: (code: number) => void;
}

/** Runs the CLI on `argv` (without "node ccsnap") and returns the exit status. Never throws. */
export async function main(argv: string[], io: Partial<CliIo> = {}): Promise<number> {
  const full: CliIo = {
    stdout: io.stdout ?? process.stdout,
    stderr: io.stderr ?? process.stderr,
    env: io.env ?? process.env,
    isTTY: io.isTTY ?? process.stdout.isTTY === true,
    signals: io.signals ?? process,
    exit: io.exit ?? ((code) => process.exit(code)),
  };
  let exitCode = 0;
  const debugRequested = argv.includes('--debug');
  try {
    const scan = scanArgv(argv);
    const entry = findCommand(scan.words.join(' '));
    const loaded = entry ? { entry, spec: await loadCommand(entry) } : undefined;
    const program = buildProgram({
      version: readVersion(),
      ...(loaded ? { loaded } : {}),
      writeOut: (s) => full.stdout.write(s),
      writeErr: (s) => full.stderr.write(s),
      onRun: async (spec, args, opts, cmd) => {
        exitCode = await runCommand(spec, args, opts, rootOf(cmd), full);
      },
    });
    await program.parseAsync(scan.argv, { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) return commanderExitCode(err);
    const { text, exitCode: code } = renderError(err, debugRequested);
    full.stderr.write(text);
    return code;
  }
  return exitCode;
}

async function runCommand(spec: CommandSpec, args: string[], opts: Record<string, unknown>, program: Command, io: CliIo): Promise<number> {
  const globals = resolveGlobals(program.opts(), io.env);
  const log = createLogger(levelFor(globals), io.stderr);
  const guard = new SignalGuard(log, io.exit);
  const uninstall = guard.install(io.signals);
  const stopHttpDebug = globals.debug ? enableHttpDebug(log) : undefined;
  const ctx: CommandContext = {
    globals,
    signal: guard.signal,
    log,
    stdout: io.stdout,
    stderr: io.stderr,
    isTTY: io.isTTY,
    env: io.env,
    criticalSection: (label, fn) => guard.criticalSection(label, fn),
    signals: io.signals,
  };
  let code: number;
  try {
    checkColumnsUpFront(spec, args, opts);
    const result = await spec.run(ctx, args, opts);
    const output = readOutputOptions(opts, io.env, terminalWidth(io));
    if (result.kind === 'stream') await writeListStream(result.columns, result.chunks, output, io.stdout);
    else io.stdout.write(await formatResult(result, output));
    code = result.exitCode ?? 0;
  } catch (err) {
    const interrupted = guard.received !== undefined && !spec.service && (isAbortError(err) || (err as CcsnapError).code === 'CCSNAP_ABORTED');
    const shown = interrupted ? new CcsnapError('CCSNAP_INTERRUPTED', `interrupted by ${guard.received}`) : err;
    const { text, exitCode } = renderError(shown, globals.debug);
    io.stderr.write(text);
    code = exitCode;
  } finally {
    uninstall();
    stopHttpDebug?.();
  }
  return guard.received && !spec.service ? SIGNAL_EXIT_CODES[guard.received] : code;
}

/** Rejects an unknown -c / --sort-column before the command does anything. */
function checkColumnsUpFront(spec: CommandSpec, args: string[], opts: Record<string, unknown>): void {
  const known = spec.columns?.(args, opts);
  if (!known) return;
  const out = readOutputOptions(opts);
  selectColumns(known, out.columns);
  sortRows([], known, out.sortColumns);
}

/** stdout's width in columns when it is a terminal (for --fit-width), else undefined. */
function terminalWidth(io: CliIo): number | undefined {
  if (!io.isTTY) return undefined;
  const columns = (io.stdout as Partial<NodeJS.WriteStream>).columns;
  return typeof columns === 'number' && columns > 0 ? columns : undefined;
}

function rootOf(cmd: Command): Command {
  let c = cmd;
  while (c.parent) c = c.parent;
  return c;
}

function commanderExitCode(err: CommanderError): number {
  if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version') return 0;
  return 2;
}

/** The process entry point used by bin/ccsnap.js: runs, flushes stdout/stderr, exits. */
export async function runCli(): Promise<void> {
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
  });
  const code = await main(process.argv.slice(2));
  process.on('SIGINT', () => process.exit(SIGNAL_EXIT_CODES.SIGINT));
  process.on('SIGTERM', () => process.exit(SIGNAL_EXIT_CODES.SIGTERM));
  await Promise.all([flush(process.stdout), flush(process.stderr)]);
  process.exit(code);
}

function flush(stream: NodeJS.WriteStream): Promise<void> {
  return new Promise((resolve) => {
    if (stream.destroyed || !stream.writable) resolve();
    else stream.write('', () => resolve());
  });
}
