/** A small re-implementation of virsh's option parsing for the commands the sandbox serves. */
export type OptKind = 'string' | 'strings' | 'number' | 'bool';

export interface CommandSpec {
  options: Record<string, OptKind>;
  /** Options that may be given positionally, in order (a 'strings' one takes the rest). */
  positional: string[];
  required: string[];
}

export type ParsedOptions = Record<string, string | string[] | number | boolean | undefined>;

export const SPECS: Record<string, CommandSpec> = {
  domfsfreeze: { options: { domain: 'string', mountpoint: 'strings' }, positional: ['domain', 'mountpoint'], required: ['domain'] },
  domfsthaw: { options: { domain: 'string', mountpoint: 'strings' }, positional: ['domain', 'mountpoint'], required: ['domain'] },
  domfsinfo: { options: { domain: 'string' }, positional: ['domain'], required: ['domain'] },
  domstate: { options: { domain: 'string', reason: 'bool' }, positional: ['domain'], required: ['domain'] },
  'qemu-agent-command': {
    options: { domain: 'string', timeout: 'number', async: 'bool', block: 'bool', pretty: 'bool', cmd: 'strings' },
    positional: ['domain', 'cmd'],
    required: ['domain', 'cmd'],
  },
  'guest-agent-timeout': { options: { domain: 'string', timeout: 'number' }, positional: ['domain'], required: ['domain'] },
  list: { options: { all: 'bool', inactive: 'bool', name: 'bool' }, positional: [], required: [] },
};

/** Parses `args` for `command`; returns the options or virsh's error text (without "error: "). */
export function parseOptions(command: string, args: string[]): { opts: ParsedOptions } | { error: string } {
  const spec = SPECS[command];
  if (!spec) return { error: `unknown command: '${command}'` };
  const opts: ParsedOptions = {};
  const set = (name: string, value: string | true): string | undefined => {
    const kind = spec.options[name]!;
    if (kind === 'bool') opts[name] = true;
    else if (kind === 'strings') opts[name] = [...((opts[name] as string[] | undefined) ?? []), String(value)];
    else if (kind === 'number') {
      if (!/^-?\d+$/.test(String(value))) return `Numeric value '${String(value)}' for <${name}> option is malformed or out of range`;
      opts[name] = Number(value);
    } else opts[name] = String(value);
    return undefined;
  };
  let pos = 0;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const m = /^--([a-zA-Z][\w-]*)(?:=(.*))?$/s.exec(a);
    if (m) {
      const name = m[1]!;
      const kind = spec.options[name];
      if (!kind) return { error: `command '${command}' doesn't support option --${name}` };
      let value: string | true = true;
      if (kind !== 'bool') {
        if (m[2] !== undefined) value = m[2];
        else if (i + 1 < args.length) value = args[++i]!;
        else return { error: `expected syntax: --${name} <${kind === 'number' ? 'number' : 'string'}>` };
      }
      const err = set(name, value);
      if (err) return { error: err };
      continue;
    }
    while (pos < spec.positional.length && spec.options[spec.positional[pos]!] !== 'strings' && opts[spec.positional[pos]!] !== undefined) pos++;
    const target = spec.positional[pos];
    if (!target) return { error: `unexpected data '${a}'` };
    const err = set(target, a);
    if (err) return { error: err };
    if (spec.options[target] !== 'strings') pos++;
  }
  for (const r of spec.required) if (opts[r] === undefined) return { error: `command '${command}' requires <${r}> option` };
  return { opts };
}
