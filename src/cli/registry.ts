import { CcsnapError } from '../core.js';
import type { CommandSpec } from './types.js';

export interface CommandEntry {
  /** Words separated by one space. */
  name: string;
  summary: string;
  /** Module file under src/cli/commands/ (without extension); it exports `command: CommandSpec`. */
  file: string;
  hidden?: boolean;
}

/**
 * Every command, with its summary, so `--help` lists them without importing any command module.
 * To add a command: write src/cli/commands/<file>.ts exporting `command: CommandSpec`, add a row here.
 */
export const COMMANDS: readonly CommandEntry[] = [
  { name: 'instances', summary: 'List instances and whether their volumes can be snapshotted', file: 'instances' },
  { name: 'create', summary: 'Take a crash-consistent snapshot set of one or more instances', file: 'create' },
  { name: 'list', summary: 'List the array snapshots of one or all instances', file: 'list' },
  { name: 'show', summary: 'Show one snapshot set', file: 'show' },
  { name: 'rollback', summary: 'Roll an instance back to a snapshot set', file: 'rollback' },
  { name: 'delete', summary: 'Delete snapshot sets of an instance (or prune them)', file: 'delete' },
  { name: 'recover', summary: 'Finish or undo operations interrupted by a crash', file: 'recover' },
  { name: 'policy list', summary: 'List the snapshot policies of the cloud', file: 'policy-list' },
  { name: 'policy show', summary: 'Show a snapshot policy: matched instances, occurrences, what retention keeps and prunes', file: 'policy-show' },
  { name: 'policy run', summary: 'Run one occurrence of a snapshot policy now, then prune by its retention', file: 'policy-run' },
  { name: 'daemon', summary: 'Run the policies on their schedules, with metrics, an API and a status page', file: 'daemon' },
  { name: 'run-due', summary: 'Run every snapshot policy occurrence that is due, then prune by retention', file: 'run-due' },
  { name: 'completion', summary: 'Print a shell completion script (bash or zsh)', file: 'completion' },
  { name: 'tour', summary: 'Guided tour of ccsnap against the built-in sandbox (re-seeds it, and leaves it to explore)', file: 'tour' },
  { name: 'sandbox serve', summary: 'Run the sandbox cloud (OpenStack, array, hypervisor) on 127.0.0.1', file: 'sandbox-serve' },
  { name: 'sandbox reset', summary: 'Reset the sandbox: demo state, empty journal, no logs', file: 'sandbox-reset' },
  { name: 'sandbox faults add', summary: 'Add a fault rule to a running sandbox', file: 'sandbox-faults-add' },
  { name: 'sandbox faults list', summary: 'List the fault rules of a running sandbox', file: 'sandbox-faults-list' },
  { name: 'sandbox faults clear', summary: 'Remove all fault rules from a running sandbox', file: 'sandbox-faults-clear' },
  { name: '_echo', summary: 'Print a sample list (for testing output formats)', file: 'echo', hidden: true },
  { name: '_echo-show', summary: 'Print a sample object (for testing output formats)', file: 'echo-show', hidden: true },
];

/** Summaries of command groups (intermediate words). */
export const GROUPS: Readonly<Record<string, string>> = {
  policy: 'Snapshot policies: schedules and retention',
  sandbox: 'Run and control the built-in sandbox cloud',
  'sandbox faults': 'Inject faults into a running sandbox',
};

export function findCommand(name: string): CommandEntry | undefined {
  return COMMANDS.find((c) => c.name === name);
}

/** True when `words` is a command or a group (a proper prefix of some command). */
export function isCommandPrefix(words: string[]): boolean {
  const name = words.join(' ');
  return COMMANDS.some((c) => c.name === name || c.name.startsWith(`${name} `));
}

/** Imports a command module lazily. */
export async function loadCommand(entry: CommandEntry): Promise<CommandSpec> {
  let mod: { command?: CommandSpec };
  try {
    const specifier = `./commands/${entry.file}.js`;
    mod = (await import(/* @vite-ignore */ specifier)) as { command?: CommandSpec };
  } catch (err) {
    if ((err as { code?: string }).code === 'ERR_MODULE_NOT_FOUND' && String((err as Error).message).includes(`commands/${entry.file}.`)) {
      throw new CcsnapError('CCSNAP_CLI_NOT_AVAILABLE', `command '${entry.name}' is not available in this build`, { cause: err });
    }
    throw err;
  }
  if (!mod.command) throw new CcsnapError('CCSNAP_CLI_BAD_COMMAND', `command module '${entry.file}' exports no 'command'`);
  return mod.command;
}
