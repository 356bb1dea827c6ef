import { Argument, type Command } from 'commander';
import type { CommandSpec } from '../types.js';

/** Like `openstack complete`: prints a shell completion script for ccsnap's commands, options and choices. */
export const command: CommandSpec = {
  name: 'completion',
  summary: 'Print a shell completion script (bash or zsh)',
  configure(cmd: Command) {
    cmd
      .addArgument(new Argument('<shell>', 'bash or zsh').choices(['bash', 'zsh']))
      .addHelpText('after', '\nbash:  source <(ccsnap completion bash)\nzsh:   source <(ccsnap completion zsh)');
  },
  async run(ctx, args) {
    const { bashScript, completionNodes, zshScript } = await import('../completion.js');
    const nodes = await completionNodes();
    ctx.stdout.write(args[0] === 'zsh' ? zshScript(nodes) : bashScript(nodes));
    return { kind: 'none' };
  },
};
