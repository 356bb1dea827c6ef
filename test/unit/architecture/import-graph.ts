import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/** One import of a module: the specifier as written and the file it resolves to (undefined = a package or node:). */
export interface ImportEdge {
  specifier: string;
  target: string | undefined;
  /** `import … from`, `export … from` and `import '…'` are static; `import('…')` is dynamic. */
  kind: 'static' | 'dynamic';
  /** `import type`, `export type`, or braces holding `type` names only: erased when compiled, loads nothing. */
  typeOnly: boolean;
}

const STATIC_FROM = /(?:^|[;\n}])\s*(import|export)\s+(type\s+)?([^'";]*?)\s*from\s*['"]([^'"]+)['"]/g;
const BARE_IMPORT = /(?:^|[;\n])\s*import\s*['"]([^'"]+)['"]/g;
const DYNAMIC = /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g;

/** Every .ts file under `dir` (absolute paths), sorted. */
export function listSources(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...listSources(path));
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(path);
  }
  return out.sort();
}

/** Comments removed (block, then line comments not preceded by ':' as in a URL), so a commented-out import is not one. */
function stripComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/(^|[^:'"`])\/\/[^\n]*/g, '$1');
}

/** The imports of one file: `import … from`, `import type`, `export … from`, `import '…'` and `import('literal')`. */
export function importsOf(file: string): ImportEdge[] {
  return importsOfText(file, readFileSync(file, 'utf8'));
}

/** The imports of `source`, as if it were the file `file` (relative specifiers resolve from its directory). */
export function importsOfText(file: string, source: string): ImportEdge[] {
  const text = stripComments(source);
  const edges: ImportEdge[] = [];
  const add = (specifier: string, kind: ImportEdge['kind'], typeOnly: boolean): void => {
    edges.push({ specifier, target: resolveSpecifier(file, specifier), kind, typeOnly });
  };
  for (const m of text.matchAll(STATIC_FROM)) add(m[4]!, 'static', m[2] !== undefined || /^\{(\s*type\s+[^,}]+,?)+\s*\}$/.test(m[3]!.trim()));
  for (const m of text.matchAll(BARE_IMPORT)) add(m[1]!, 'static', false);
  for (const m of text.matchAll(DYNAMIC)) add(m[1]!, 'dynamic', false);
  return edges;
}

/** A relative specifier ("./x.js") -> the .ts file it names; packages and node: builtins -> undefined. */
function resolveSpecifier(from: string, specifier: string): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  const base = resolve(dirname(from), specifier);
  for (const candidate of [base.replace(/\.js$/, '.ts'), `${base}.ts`, join(base, 'index.ts'), base]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return base;
}

/** file -> the files of `files` it imports: every kind of import, or only those `keep` accepts. */
export function importGraph(files: string[], keep: (edge: ImportEdge) => boolean = () => true): Map<string, string[]> {
  const known = new Set(files);
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const targets = importsOf(file)
      .filter(keep)
      .map((e) => e.target);
    graph.set(file, [...new Set(targets.filter((t): t is string => t !== undefined && known.has(t)))]);
  }
  return graph;
}

/** Every file reachable from `roots` in `graph` (the roots included). */
export function reachable(graph: Map<string, string[]>, roots: string[]): Set<string> {
  const seen = new Set<string>();
  const todo = [...roots];
  while (todo.length > 0) {
    const file = todo.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    todo.push(...(graph.get(file) ?? []));
  }
  return seen;
}

/** The strongly connected components with more than one file, or a file importing itself (Tarjan). */
export function findCycles(graph: Map<string, string[]>): string[][] {
  let index = 0;
  const indexOf = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (v: string): void => {
    indexOf.set(v, index);
    low.set(v, index++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!indexOf.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, indexOf.get(w)!));
    }
    if (low.get(v) === indexOf.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || (graph.get(v) ?? []).includes(v)) cycles.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!indexOf.has(v)) visit(v);
  return cycles;
}

export function relativeTo(root: string, files: string[]): string[] {
  return files.map((f) => relative(root, f));
}
