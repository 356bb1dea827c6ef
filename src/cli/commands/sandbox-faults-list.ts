import type { Command } from 'commander';
import type { FaultRule } from '../../sandbox-entry.js';
import { callControl, resolveSandboxUrl } from '../sandbox-control.js';
import type { CommandSpec } from '../types.js';

export const command: CommandSpec = {
  name: 'sandbox faults list',
  summary: 'List the fault rules of a running sandbox',
  output: 'list',
  configure(cmd: Command) {
    cmd.option('--url <url>', 'sandbox URL (default: $CCSNAP_SANDBOX_URL or the running `sandbox serve`)');
  },
  async run(ctx, _args, opts) {
    const url = resolveSandboxUrl(ctx, opts.url);
    const { faults } = (await callControl(ctx, url, 'GET', '/faults')) as { faults: Array<FaultRule & { id?: number }> };
    return {
      kind: 'list',
      columns: ['ID', 'Service', 'Key', 'Target', 'Effect', 'Times', 'After'],
      rows: faults.map((f) => ({
        ID: f.id ?? null,
        Service: f.service,
        Key: f.key ?? null,
        Target: f.target ?? null,
        Effect: describeEffect(f),
        Times: f.times ?? null,
        After: f.after ?? null,
      })),
    };
  },
};

export function describeEffect(rule: FaultRule): string {
  const parts: string[] = [];
  if (rule.latencyMs !== undefined) parts.push(`latency ${rule.latencyMs}ms`);
  if (rule.errorCode !== undefined) parts.push(`error ${rule.errorCode}${rule.errorText ? ` ${JSON.stringify(rule.errorText)}` : ''}`);
  if (rule.hang) parts.push('hang');
  if (rule.nonJson !== undefined) parts.push(`non-JSON body ${JSON.stringify(rule.nonJson)}`);
  return parts.join(', ');
}
