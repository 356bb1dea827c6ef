import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Linter } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';
import layers from '../../../eslint-rules/layer-boundaries.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** The messages of the layer rule for `code` as if it were the file `file` (repository-relative). */
function lint(file: string, code: string, options: { only?: string[]; forbid?: string[] }): string[] {
  const linter = new Linter({ configType: 'flat' });
  const config: Linter.Config[] = [
    { files: ['**/*.ts'], languageOptions: { parser: tseslint.parser }, plugins: { local: layers }, rules: { 'local/layer-boundaries': ['error', options] } },
  ];
  return linter.verify(code, config, { filename: join(ROOT, file) }).map((m) => m.message);
}

describe('local/layer-boundaries', () => {
  it('forbids what resolves into a forbidden layer, at any depth, static or dynamic, value or type', () => {
    const forbid = { forbid: ['src/ops', 'src/cli'] };
    expect(lint('src/engine/a.ts', "import { x } from '../ops/create.js';", forbid)).toEqual([
      "'../ops/create.js' resolves to src/ops/create, which this layer must not import (src/ops, src/cli)",
    ]);
    expect(lint('src/engine/deep/a.ts', "export * from '../../cli/main.js';", forbid)).toHaveLength(1);
    expect(lint('src/engine/a.ts', "const m = await import('../ops/list.js');", forbid)).toHaveLength(1);
    expect(lint('src/engine/a.ts', "type T = import('../cli/types.js').CommandSpec;", forbid)).toHaveLength(1);
    expect(lint('src/engine/a.ts', "import type { X } from '../cli/types.js';", forbid)).toHaveLength(1);
  });

  it('lets through what resolves elsewhere, bare specifiers and look-alike names', () => {
    const forbid = { forbid: ['src/ops'] };
    expect(lint('src/engine/a.ts', "import { x } from '../hypervisor/index.js'; import { y } from './ops.js'; import 'node:fs';", forbid)).toEqual([]);
    expect(lint('src/engine/a.ts', "import { x } from '../ops-extra/a.js';", forbid)).toEqual([]);
  });

  it('with `only`, refuses every project file outside the listed ones', () => {
    const only = { only: ['src/sandbox'] };
    expect(lint('src/sandbox/openstack/a.ts', "import { s } from '../state.js'; import { t } from './nova.js'; import yaml from 'yaml';", only)).toEqual([]);
    expect(lint('src/sandbox/openstack/a.ts', "import { n } from '../../engine/names.js';", only)).toEqual([
      "'../../engine/names.js' resolves to src/engine/names, outside what this layer may import (src/sandbox)",
    ]);
    expect(
      lint('src/cli/commands/a.ts', "import { a } from '../../index.js'; import { b } from '../../ops/list.js';", { only: ['src/cli', 'src/index'] }),
    ).toHaveLength(1);
  });
});
