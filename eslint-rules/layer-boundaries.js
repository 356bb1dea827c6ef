// Local ESLint rule: which files a layer of src/ may import, by the path an import resolves to (not by the
// text of the specifier, so `../x.js` and `../../x.js` are judged alike at any depth). Checks static
// imports and re-exports (type-only included), literal dynamic `import()` and `import('…').T` types.
// Bare specifiers (node:*, packages) are not project files and are never restricted.
//
// Options: { only?: string[], forbid?: string[] }, paths relative to the repository root, each a directory
// ('src/engine') or a module without extension ('src/index'). `only`: every relative import must resolve
// inside one of them; `forbid`: no relative import may resolve inside any of them.
import { dirname, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

function toRepoPath(file) {
  return relative(ROOT, file)
    .split(sep)
    .join('/')
    .replace(/\.[cm]?[jt]s$/, '');
}

function isWithin(path, entries) {
  return entries.some((entry) => path === entry || path.startsWith(`${entry}/`));
}

function literalOf(node) {
  if (!node) return undefined;
  if (node.type === 'Literal' && typeof node.value === 'string') return node.value;
  if (node.type === 'TemplateLiteral' && node.expressions.length === 0) return node.quasis[0]?.value.cooked ?? undefined;
  if (node.type === 'TSLiteralType') return literalOf(node.literal);
  return undefined;
}

/** @type {import('eslint').Rule.RuleModule} */
export const layerBoundaries = {
  meta: {
    type: 'problem',
    docs: { description: 'Keeps each layer of src/ to the imports its place in the architecture allows' },
    schema: [
      {
        type: 'object',
        properties: { only: { type: 'array', items: { type: 'string' } }, forbid: { type: 'array', items: { type: 'string' } } },
        additionalProperties: false,
      },
    ],
    messages: {
      outside: "'{{specifier}}' resolves to {{target}}, outside what this layer may import ({{allowed}})",
      forbidden: "'{{specifier}}' resolves to {{target}}, which this layer must not import ({{forbidden}})",
    },
  },
  create(context) {
    const { only, forbid = [] } = context.options[0] ?? {};
    const fromDir = dirname(context.filename);
    function check(node, sourceNode) {
      const specifier = literalOf(sourceNode);
      if (specifier === undefined || !specifier.startsWith('.')) return;
      const target = toRepoPath(resolve(fromDir, specifier));
      if (only && !isWithin(target, only)) {
        context.report({ node, messageId: 'outside', data: { specifier, target, allowed: only.join(', ') } });
      } else if (isWithin(target, forbid)) {
        context.report({ node, messageId: 'forbidden', data: { specifier, target, forbidden: forbid.join(', ') } });
      }
    }
    return {
      ImportDeclaration: (node) => check(node, node.source),
      ExportNamedDeclaration: (node) => check(node, node.source),
      ExportAllDeclaration: (node) => check(node, node.source),
      ImportExpression: (node) => check(node, node.source),
      TSImportType: (node) => check(node, node.source ?? node.argument),
    };
  },
};

export default { rules: { 'layer-boundaries': layerBoundaries } };
