import type { Command } from 'commander';
import { UsageError } from '../../core.js';
import type { FaultRule } from '../../sandbox-entry.js';
import { countParser } from '../parse-values.js';
import { callControl, resolveSandboxUrl } from '../sandbox-control.js';
import { parseFaultRule } from '../sandbox-options.js';
import type { CommandSpec } from '../types.js';

const integer = countParser(0, 1_000_000_000);

export const command: CommandSpec = {
  name: 'sandbox faults add',
  summary: 'Add a fault rule to a running sandbox',
  output: 'show',
  configure(cmd: Command) {
    cmd
      .argument('[rule-json]', 'the whole rule as JSON; the options below override its fields')
      .option('--url <url>', 'sandbox URL (default: $CCSNAP_SANDBOX_URL or the running `sandbox serve`)')
      .option('--service <service>', 'array, hypervisor (virsh), agent (inside the guest), nova, cinder, keystone, ...')
      .option('--key <key>', 'array command, virsh command, agent command (freeze, thaw, status, ping) or path prefix ("*" suffix = prefix match)')
      .option('--target <target>', 'finer match, e.g. a filesystem id or a domain name')
      .option('--latency-ms <ms>', 'add this much latency', integer)
      .option('--error-code <code>', 'answer with this error code', integer)
      .option('--error-text <text>', 'error text to answer with')
      .option('--hang', 'never answer (an agent hang lasts until the rule is removed)')
      .option('--non-json <body>', 'answer 200 with this non-JSON body')
      .option('--times <n>', 'apply to this many matching requests', integer)
      .option('--after <n>', 'skip this many matching requests first', integer);
  },
  async run(ctx, args, opts) {
    const rule = buildRule(args[0], opts);
    const url = resolveSandboxUrl(ctx, opts.url);
    const added = (await callControl(ctx, url, 'POST', '/faults', rule)) as { id: number };
    return { kind: 'show', fields: { id: added.id, ...rule } };
  },
};

function buildRule(json: string | undefined, opts: Record<string, unknown>): FaultRule {
  const base: Partial<FaultRule> = json === undefined ? {} : parseFaultRule(json);
  const fromOptions: Partial<FaultRule> = {};
  for (const key of ['service', 'key', 'target', 'latencyMs', 'errorCode', 'errorText', 'hang', 'nonJson', 'times', 'after'] as const) {
    if (opts[key] !== undefined) (fromOptions as Record<string, unknown>)[key] = opts[key];
  }
  const rule = { ...base, ...fromOptions };
  if (typeof rule.service !== 'string') throw new UsageError('a fault rule needs a service: pass --service or "service" in the JSON');
  return rule as FaultRule;
}
