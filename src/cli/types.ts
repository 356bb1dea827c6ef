import type { Command } from 'commander';

/** What a command hands back; the framework prints it with the chosen formatter. */
export type CommandResult =
  /** Like OSC's Lister: rows keyed by column name, printed in `columns` order. */
  | { kind: 'list'; columns: string[]; rows: Array<Record<string, unknown>>; exitCode?: number }
  /**
   * A list printed as its rows come (`ccsnap list` of a big cloud): json, yaml, value and csv write chunks as
   * they come (those ready one after the other together, up to 64 KiB); a table or --sort-column gathers every
   * row first. Nothing runs before the first row is pulled, so an error there prints nothing on stdout.
   */
  | { kind: 'stream'; columns: string[]; chunks: AsyncIterable<Array<Record<string, unknown>>>; exitCode?: number }
  /** Like OSC's ShowOne: one object, printed as Field | Value in a table. */
  | { kind: 'show'; fields: Record<string, unknown>; exitCode?: number }
  | { kind: 'none'; exitCode?: number };

/**
 * Global options (python-openstackclient names). The os* fields hold the flags only: OS_* variables
 * are applied by resolveCloud (pass `cloudOverrides(globals)` and `ctx.env`). config/journal include
 * their CCSNAP_CONFIG / CCSNAP_JOURNAL defaults.
 */
export interface GlobalOptions {
  /** --os-cloud (OS_CLOUD is read by resolveCloud). */
  osCloud?: string;
  osAuthUrl?: string;
  osUsername?: string;
  /** --os-password (never logged: redacted like every password field). */
  osPassword?: string;
  osProjectName?: string;
  osUserDomainName?: string;
  osProjectDomainName?: string;
  osRegionName?: string;
  osInterface?: string;
  osCacert?: string;
  insecure: boolean;
  /** ccsnap config file (--config / CCSNAP_CONFIG). */
  config?: string;
  /** Journal database path (--journal / CCSNAP_JOURNAL). */
  journal?: string;
  /** Use the built-in sandbox cloud (see src/cli/sandbox-session.ts). */
  sandbox: boolean;
  debug: boolean;
  /** Number of -v flags. */
  verbose: number;
  quiet: boolean;
  /** Per-request timeout in seconds (like OSC --timeout); undefined = library default. */
  timeout?: number;
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export type LogFields = Record<string, unknown>;

/** Writes to stderr. Fields are redacted (tokens, passwords, API keys) before printing. */
export interface Logger {
  readonly level: LogLevel;
  isEnabled(level: LogLevel): boolean;
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

export interface CommandContext {
  globals: GlobalOptions;
  /** Aborted on the first SIGINT/SIGTERM. Pass it to every I/O call. */
  signal: AbortSignal;
  log: Logger;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  /** True when stdout is a terminal. */
  isTTY: boolean;
  env: NodeJS.ProcessEnv;
  /**
   * Runs `fn` as a critical section: while it runs, further SIGINT/SIGTERM are ignored (the first one
   * still aborts `signal`, so `fn` must not depend on `signal` for work that has to finish, such as a
   * thaw; give that work its own deadline). Outside critical sections a second signal exits at once.
   */
  criticalSection<T>(label: string, fn: () => Promise<T>): Promise<T>;
  /** The process's signals, for a service command that also listens to SIGHUP (reload). */
  signals: NodeJS.EventEmitter;
}

export interface CommandSpec {
  /** Full command name, words separated by one space, e.g. "list" or "sandbox faults add". */
  name: string;
  summary: string;
  /** Adds a "list" or "show" output option set (-f, -c, ...) to the command. */
  output?: 'list' | 'show';
  /**
   * The columns (list) or fields (show) the result will have, known from the arguments alone. When given,
   * `-c` and `--sort-column` are checked BEFORE `run`, so a typo never follows an action that changed something.
   */
  columns?(args: string[], opts: Record<string, unknown>): string[];
  /**
   * A long-running service (`ccsnap daemon`): SIGTERM/SIGINT are its normal stop. The first one still aborts
   * `ctx.signal`; the command finishes what it started and its own exit status stands (0 for a clean stop)
   * instead of 143/130.
   */
  service?: boolean;
  /** Declares arguments and options on the commander Command. */
  configure(cmd: Command): void;
  /** `args` are the operands; `opts` are the command's options (camelCase keys). */
  run(ctx: CommandContext, args: string[], opts: Record<string, unknown>): Promise<CommandResult>;
}
