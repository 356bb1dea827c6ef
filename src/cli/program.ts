import { Command } from 'commander';
import { CcsnapError } from '../core.js';
import { rejectEmptyValues } from './empty-values.js';
import { addGlobalOptions } from './globals.js';
import { addOutputOptions } from './output-options.js';
import { COMMANDS, GROUPS, type CommandEntry } from './registry.js';
import type { CommandSpec } from './types.js';

export interface ProgramOptions {
  version: string;
  /** The command argv names, already imported; all other commands are listed from the table only. */
  loaded?: { entry: CommandEntry; spec: CommandSpec };
  /** Called by the loaded command's action with its operands, options and commander Command. */
  onRun: (spec: CommandSpec, args: string[], opts: Record<string, unknown>, cmd: Command) => Promise<void>;
  writeOut: (s: string) => void;
  writeErr: (s: string) => void;
}

/** Builds the commander tree: global options, every command (stubs), the loaded one fully configured. */
export function buildProgram(options: ProgramOptions): Command {
  const program = new Command('ccsnap')
    .description('Crash-consistent snapshots of OpenStack instances on a CloudByte array')
    .version(`ccsnap ${options.version}`, '--version', 'print the version and exit')
    .showSuggestionAfterError(true);
  addGlobalOptions(program);
  configureErrors(program, options);
  program.addHelpText('after', "\nRun 'ccsnap help COMMAND' for a command's options.");
  for (const entry of COMMANDS) {
    const leaf = addPath(program, entry, options);
    if (options.loaded?.entry === entry) configureLeaf(leaf, options.loaded.spec, options);
    else
      leaf
        .allowUnknownOption()
        .allowExcessArguments()
        .action(() => {
          throw new CcsnapError('CCSNAP_INTERNAL', `command '${entry.name}' was not loaded`);
        });
  }
  return program;
}

const GLOBAL_HINT = "\nGlobal options (--os-cloud, --debug, ...) are listed by 'ccsnap --help'.";

function configureErrors(cmd: Command, options: ProgramOptions): void {
  cmd.exitOverride().configureOutput({
    writeOut: options.writeOut,
    writeErr: options.writeErr,
    outputError: (text, write) => write(usageLine(text)),
  });
}

/** Commander's "error: ...\n(Did you mean ...?)" as our one line. */
export function usageLine(text: string): string {
  const message = text
    .replace(/^error:\s*/i, '')
    .replace(/\s*\r?\n\s*/g, ' ')
    .trim();
  return `ccsnap: error: ${message} [CCSNAP_USAGE]\n`;
}

function addPath(program: Command, entry: CommandEntry, options: ProgramOptions): Command {
  const words = entry.name.split(' ');
  let parent = program;
  for (let i = 0; i < words.length - 1; i++) {
    const groupName = words.slice(0, i + 1).join(' ');
    let group = parent.commands.find((c) => c.name() === words[i]);
    if (!group) {
      group = new Command(words[i]).description(GROUPS[groupName] ?? '');
      configureErrors(group, options);
      parent.addCommand(group);
      group.addHelpText('after', GLOBAL_HINT);
    }
    parent = group;
  }
  const leaf = new Command(words.at(-1)).description(entry.summary);
  configureErrors(leaf, options);
  parent.addCommand(leaf, entry.hidden ? { hidden: true } : {});
  leaf.addHelpText('after', GLOBAL_HINT);
  return leaf;
}

function configureLeaf(leaf: Command, spec: CommandSpec, options: ProgramOptions): void {
  leaf.description(spec.summary);
  spec.configure(leaf);
  if (spec.output) addOutputOptions(leaf, spec.output);
  leaf.action(async (...params: unknown[]) => {
    const cmd = params.at(-1) as Command;
    rejectEmptyValues(cmd);
    await options.onRun(spec, [...cmd.args], cmd.opts(), cmd);
  });
}
