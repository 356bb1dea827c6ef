import type { Command } from 'commander';
import { callControl, resolveSandboxUrl } from '../sandbox-control.js';
import type { CommandSpec } from '../types.js';

export const command: CommandSpec = {
  name: 'sandbox faults clear',
  summary: 'Remove all fault rules from a running sandbox',
  configure(cmd: Command) {
    cmd.option('--url <url>', 'sandbox URL (default: $CCSNAP_SANDBOX_URL or the running `sandbox serve`)');
  },
  async run(ctx, _args, opts) {
    const url = resolveSandboxUrl(ctx, opts.url);
    await callControl(ctx, url, 'DELETE', '/faults');
    ctx.log.info('fault rules cleared', { url });
    return { kind: 'none' };
  },
};
