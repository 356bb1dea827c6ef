import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { findCycles, importGraph, importsOf, importsOfText, listSources, reachable } from './import-graph.js';

const SRC = fileURLToPath(new URL('../../../src/', import.meta.url));
const FILES = listSources(SRC);
const rel = (file: string): string => relative(SRC, file);
const under =
  (dir: string) =>
  (file: string): boolean =>
    file.startsWith(join(SRC, dir));

describe('the import scan (self-check)', () => {
  const file = join(SRC, 'engine', 'example.ts');
  const source = [
    "import { a } from './a.js';",
    "import type { B } from '../b.js';",
    "import { type C, type D } from './c.js';",
    'import {',
    '  e,',
    '  type E,',
    "} from './e.js';",
    "export * from './f.js';",
    "export type { G } from './g.js';",
    "import './h.js';",
    "const i = await import('./i.js');",
    "import { readFileSync } from 'node:fs';",
    "// import { j } from './j.js';",
    "/* import { k } from './k.js'; */",
    "const url = 'http://example.invalid/'; export { l } from './l.js';",
  ].join('\n');

  it('finds import, import type, export … from, side-effect and dynamic imports; skips comments', () => {
    const edges = importsOfText(file, source).map((e) => [e.specifier, e.kind, e.typeOnly]);
    expect(edges).toEqual(
      expect.arrayContaining([
        ['./a.js', 'static', false],
        ['../b.js', 'static', true],
        ['./c.js', 'static', true],
        ['./e.js', 'static', false],
        ['./f.js', 'static', false],
        ['./g.js', 'static', true],
        ['./h.js', 'static', false],
        ['./i.js', 'dynamic', false],
        ['node:fs', 'static', false],
        ['./l.js', 'static', false],
      ]),
    );
    expect(edges).toHaveLength(10);
  });

  it('resolves relative specifiers to the .ts sources', () => {
    const edges = importsOf(join(SRC, 'index.ts'));
    expect(edges.find((e) => e.specifier === './runtime.js')?.target).toBe(join(SRC, 'runtime.ts'));
    expect(edges.find((e) => e.specifier === './openstack/index.js')?.target).toBe(join(SRC, 'openstack', 'index.ts'));
  });

  it('sees an import in every source file that has a relative one', () => {
    const missed = FILES.filter((f) => /from '\.\.?\//.test(readFileSync(f, 'utf8')) && !importsOf(f).some((e) => e.target !== undefined));
    expect(missed.map(rel)).toEqual([]);
  });

  it('finds a cycle, a self-import and none in a tree', () => {
    expect(
      findCycles(
        new Map([
          ['a', ['b']],
          ['b', ['c']],
          ['c', ['a']],
          ['d', ['a']],
        ]),
      ),
    ).toEqual([['a', 'b', 'c']]);
    expect(findCycles(new Map([['a', ['a']]]))).toEqual([['a']]);
    expect(
      findCycles(
        new Map([
          ['a', ['b', 'c']],
          ['b', ['c']],
          ['c', []],
        ]),
      ),
    ).toEqual([]);
  });
});

describe('the layers of src/', () => {
  it('have no import cycle (type-only and dynamic imports included)', () => {
    const cycles = findCycles(importGraph(FILES)).map((c) => c.map(rel).join(' -> '));
    expect(cycles).toEqual([]);
  });

  it('the emulator (src/sandbox/) imports nothing from outside it but node: built-ins', () => {
    const leaks = FILES.filter(under('sandbox/')).flatMap((f) =>
      importsOf(f)
        .filter((e) => (e.target === undefined ? !e.specifier.startsWith('node:') : !under('sandbox/')(e.target)))
        .map((e) => `${rel(f)} imports ${e.specifier}`),
    );
    expect(leaks).toEqual([]);
  });

  it('the library entry (src/index.ts) loads no sandbox and no CLI module', () => {
    const loaded = reachable(
      importGraph(FILES, (e) => !e.typeOnly),
      [join(SRC, 'index.ts')],
    );
    const bad = [...loaded].filter((f) => under('sandbox/')(f) || under('sandbox-link/')(f) || f === join(SRC, 'sandbox-entry.ts') || under('cli/')(f));
    expect(bad.map(rel)).toEqual([]);
    expect(loaded.has(join(SRC, 'compose.ts'))).toBe(true);
  });

  it('only the CLI imports the CLI', () => {
    const leaks = FILES.filter((f) => !under('cli/')(f)).flatMap((f) =>
      importsOf(f)
        .filter((e) => e.target !== undefined && under('cli/')(e.target))
        .map((e) => `${rel(f)} imports ${e.specifier}`),
    );
    expect(leaks).toEqual([]);
  });

  it('the CLI reaches sandbox code only through dynamic imports (a real-cloud command loads none)', () => {
    const cli = FILES.filter(under('cli/')).filter((f) => !/\/cli\/(sandbox-[a-z-]+|commands\/(sandbox-[a-z-]+|tour))\.ts$/.test(f));
    const eager = reachable(
      importGraph(FILES, (e) => e.kind === 'static' && !e.typeOnly),
      cli,
    );
    const bad = [...eager].filter(
      (f) => under('sandbox/')(f) || under('sandbox-link/')(f) || f === join(SRC, 'sandbox-entry.ts') || /\/cli\/sandbox-[a-z-]+\.ts$/.test(f),
    );
    expect(bad.map(rel)).toEqual([]);
  });
});
