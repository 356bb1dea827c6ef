import type { InstanceSelector, Policy } from './types.js';

/** What matching needs to know of a Nova server (from the inventory's one server list). */
export interface MatchableServer {
  id: string;
  name: string;
  projectId: string;
  /** The project's name when known (Keystone); null or absent: match by id only. */
  projectName?: string | null;
  /** Nova server metadata (string values). */
  metadata?: Record<string, string>;
}

/**
 * True when the server meets every criterion the selector gives: a `names` entry (a glob on the name, or
 * the instance id exactly), a `projects` entry (project id or name), and every `metadata` key with exactly
 * its value. A selector with no criterion matches nothing (the config parser refuses one anyway).
 */
export function matchesSelector(selector: InstanceSelector, server: MatchableServer): boolean {
  const criteria = [selector.names, selector.projects, selector.metadata].filter((c) => c !== undefined);
  if (criteria.length === 0) return false;
  if (selector.names && !selector.names.some((n) => n === server.id || globToRegExp(n).test(server.name))) return false;
  if (selector.projects && !selector.projects.some((p) => p === server.projectId || (server.projectName != null && p === server.projectName))) return false;
  if (selector.metadata) {
    const md = server.metadata ?? {};
    for (const [key, value] of Object.entries(selector.metadata)) if (!Object.hasOwn(md, key) || md[key] !== value) return false;
  }
  return true;
}

/** The servers a policy covers, in the order given. */
export function matchInstances<S extends MatchableServer>(policy: Pick<Policy, 'instances'>, servers: S[]): S[] {
  return servers.filter((s) => matchesSelector(policy.instances, s));
}

const globCache = new Map<string, RegExp>();

/**
 * A shell-style glob, anchored and case-sensitive (Nova names are): `*` any run of characters, `?` one
 * character, `[abc]`, `[a-z]`, `[!abc]` one of (or none of) a class; `\` escapes the next character.
 * Everything else is literal. An unclosed `[` is a literal `[`.
 */
export function globToRegExp(glob: string): RegExp {
  const cached = globCache.get(glob);
  if (cached) return cached;
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') out += '.*';
    else if (c === '?') out += '.';
    else if (c === '\\' && i + 1 < glob.length) out += escapeRe(glob[++i]!);
    else if (c === '[') {
      const cls = readClass(glob, i);
      if (cls) {
        out += cls.source;
        i = cls.end;
      } else out += '\\[';
    } else out += escapeRe(c);
  }
  const re = new RegExp(`^${out}$`, 's');
  globCache.set(glob, re);
  return re;
}

/** `[...]` starting at `start`: its regex source and the index of its `]`, or null when unclosed. */
function readClass(glob: string, start: number): { source: string; end: number } | null {
  let i = start + 1;
  const negate = glob[i] === '!' || glob[i] === '^';
  if (negate) i++;
  let body = '';
  // A `]` right after `[` or `[!` is a member, as in shells.
  if (glob[i] === ']') {
    body += '\\]';
    i++;
  }
  for (; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === ']') return body === '' ? null : { source: `[${negate ? '^' : ''}${body}]`, end: i };
    if (c === '-' && body !== '' && glob[i + 1] !== ']' && i + 1 < glob.length) body += '-';
    else body += c === '\\' || c === '^' || c === '-' ? `\\${c}` : c;
  }
  return null;
}

function escapeRe(c: string): string {
  return /[.*+?^${}()|[\]\\/-]/.test(c) ? `\\${c}` : c;
}
