// ESLint 9 flat config: typescript-eslint's type-checked rules on src/, test/ and *.config.ts, plain
// JavaScript rules on bench/, scripts/, bin/ and .ci/, and the layer boundaries of CONTRIBUTING.md.
// A rule that does not fit this codebase is switched off here with its reason, not per line; a per-line
// `eslint-disable-next-line` needs a `-- reason`.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import layers from './eslint-rules/layer-boundaries.js';

// Every layer below the CLI: none of them imports src/cli/ (the library never imports the CLI).
const CLI = 'src/cli';
// The ports and adapters below the engine: they know nothing of what orchestrates them.
const ABOVE_ADAPTERS = ['src/engine', 'src/ops', 'src/journal', 'src/daemon', CLI, 'src/sandbox'];

// The CLI is a client of the public API: src/cli/ imports only the package's public entries, src/index
// (ccsnap), src/core (ccsnap/core) and src/sandbox-entry (ccsnap/sandbox).
const PUBLIC_ENTRIES = ['src/index', 'src/core', 'src/sandbox-entry', 'src/daemon-entry'];

/** One config block per layer: the `local/layer-boundaries` options for the files of `dirs`. */
function layer(dirs, options) {
  return { files: dirs.map((dir) => `${dir}/**/*.ts`), rules: { 'local/layer-boundaries': ['error', options] } };
}

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'bench/results/**', '.ccsnap-sandbox/**', '.ci/results/**'] },
  { linterOptions: { reportUnusedDisableDirectives: 'error' } },
  js.configs.recommended,
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    plugins: { local: layers },
    rules: {
      '@typescript-eslint/consistent-type-imports': ['error', { prefer: 'type-imports', fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-import-type-side-effects': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true }],
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/no-unnecessary-type-assertion': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      // Off: `async` without `await` is deliberate here: it implements a Promise-returning interface, and a throw inside becomes a rejection.
      '@typescript-eslint/require-await': 'off',
      // Off: String(value) on parsed YAML/JSON scalars is deliberate (unknown narrowed by `!== null` is `{}`, which it reports); templates stay checked by restrict-template-expressions.
      '@typescript-eslint/no-base-to-string': 'off',
    },
  },
  // Layer boundaries (CONTRIBUTING.md, docs/architecture.md). A later block replaces an earlier one's options
  // for the same file, so each block lists everything its layer must not import.
  { files: ['src/**/*.ts'], ignores: [`${CLI}/**`], rules: { 'local/layer-boundaries': ['error', { forbid: [CLI] }] } },
  layer(['src/openstack', 'src/array', 'src/hypervisor', 'src/util', 'src/error-codes'], { forbid: [...ABOVE_ADAPTERS, 'src/fleet'] }),
  // The workers' job queue and shared slots: beside the journal, below the operations.
  layer(['src/fleet'], { forbid: ['src/engine', 'src/ops', 'src/daemon', CLI, 'src/sandbox'] }),
  layer(['src/engine'], { forbid: ['src/ops', 'src/daemon', CLI, 'src/sandbox'] }),
  layer(['src/ops', 'src/policy', 'src/notify', 'src/metrics'], { forbid: ['src/daemon', CLI, 'src/sandbox'] }),
  // The daemon sits beside the CLI: it may use the whole library, never the CLI or the emulator.
  layer(['src/daemon'], { forbid: [CLI, 'src/sandbox'] }),
  layer(['src/journal'], { forbid: ['src/engine', 'src/ops', 'src/daemon', CLI, 'src/sandbox'] }),
  // The emulator is an independent oracle: it imports nothing of the product.
  layer(['src/sandbox'], { only: ['src/sandbox'] }),
  layer([CLI], { only: [CLI, ...PUBLIC_ENTRIES] }),
  {
    files: ['test/**/*.ts', '*.config.ts'],
    rules: {
      // Lighter in tests: they read the JSON of the CLI, the sandbox and real services as `any` and assert on it
      // with expect(), where a wrong shape fails the test; typing every body would add casts, not checks.
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { globals: { ...globals.node } },
  },
);
