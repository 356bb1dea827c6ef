import { readdirSync, readFileSync } from 'node:fs';
import { join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * The journal port's boundary: SQL, the database drivers and a backend's own modules live only in a backend
 * directory of src/journal/ (src/journal/sqlite/, src/journal/postgres/). Everything else, the rest of
 * src/journal/ included, talks to the `Journal` port. The scan reads the syntax tree, so comments and
 * other methods named `prepare` (the watchdog's) do not count, and `db.exec(sql)` does.
 */

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const BACKEND_DIR = /^src\/journal\/[^/]+\//;
const DRIVERS = new Set(['better-sqlite3', 'pg', 'pg-connection-string', 'pgpass']);
const SQL = /\b(SELECT\s+[\w*(]|INSERT\s+INTO\b|UPDATE\s+\w+\s+SET\b|DELETE\s+FROM\b|CREATE\s+(TABLE|INDEX)\b|ALTER\s+TABLE\b|PRAGMA\s+\w)/;
const SQL_METHODS = new Set(['prepare', 'exec', 'pragma', 'query']);

function sources(): Array<{ file: string; text: string }> {
  return readdirSync(join(ROOT, 'src'), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => ({ file: `src/${f.split(sep).join('/')}`, text: readFileSync(join(ROOT, 'src', f), 'utf8') }));
}

/** What in `text` belongs to a journal backend: SQL in strings, SQL calls on a handle, driver or backend imports. */
function backendLeaks(file: string, text: string): string[] {
  const found: string[] = [];
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const where = (node: ts.Node) => `${file}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
  const checkModule = (node: ts.Node, specifier: string) => {
    if (DRIVERS.has(specifier)) found.push(`${where(node)} imports ${specifier}`);
    if (/(^|\/)journal\/[^/]+\//.test(specifier)) found.push(`${where(node)} imports a journal backend (${specifier})`);
  };
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      checkModule(node, node.moduleSpecifier.text);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      checkModule(node, node.argument.literal.text);
    } else if (ts.isCallExpression(node)) {
      const [first] = node.arguments;
      const literal = first && (ts.isStringLiteral(first) || ts.isNoSubstitutionTemplateLiteral(first) || ts.isTemplateExpression(first));
      if (
        (node.expression.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(node.expression) && node.expression.text === 'require')) &&
        first &&
        ts.isStringLiteral(first)
      ) {
        checkModule(node, first.text);
      } else if (ts.isPropertyAccessExpression(node.expression) && SQL_METHODS.has(node.expression.name.text) && literal) {
        found.push(`${where(node)} calls .${node.expression.name.text}() with a statement`);
      }
    } else if (
      ts.isStringLiteral(node) ||
      ts.isNoSubstitutionTemplateLiteral(node) ||
      ts.isTemplateHead(node) ||
      ts.isTemplateMiddle(node) ||
      ts.isTemplateTail(node)
    ) {
      if (SQL.test(node.text)) found.push(`${where(node)} has SQL: ${JSON.stringify(node.text.trim().slice(0, 60))}`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

describe('the journal port boundary', () => {
  it('the scan finds each kind of leak, and ignores comments and other methods', () => {
    expect(backendLeaks('x.ts', "import Database from 'better-sqlite3';")).toHaveLength(1);
    expect(backendLeaks('x.ts', "import type BetterSqlite3 from 'better-sqlite3';")).toHaveLength(1);
    expect(backendLeaks('x.ts', "type D = import('better-sqlite3').Database;")).toHaveLength(1);
    expect(backendLeaks('x.ts', "const D = require('better-sqlite3');")).toHaveLength(1);
    expect(backendLeaks('x.ts', "import pg from 'pg';")).toHaveLength(1);
    expect(backendLeaks('x.ts', "const pg = require('pg');")).toHaveLength(1);
    expect(backendLeaks('x.ts', "await pool.query('SELECT 1 FROM ccsnap.locks');")).toHaveLength(2);
    expect(backendLeaks('x.ts', "import { PostgresJournal } from '../journal/postgres/journal.js';")).toHaveLength(1);
    expect(backendLeaks('x.ts', "import { type Db } from '../journal/sqlite/open.js';")).toHaveLength(1);
    expect(backendLeaks('x.ts', "db.prepare('DELETE FROM locks WHERE op_id = ?').run(id);")).toHaveLength(2);
    expect(backendLeaks('x.ts', 'db.exec(`CREATE TABLE t (a TEXT)`);')).toHaveLength(2);
    expect(backendLeaks('x.ts', 'const sql = `UPDATE operations SET state = ? WHERE id = ${id}`;')).toHaveLength(1);
    expect(backendLeaks('x.ts', "const q = 'SELECT * FROM sets';")).toHaveLength(1);
    expect(
      backendLeaks(
        'x.ts',
        [
          "import { openJournal, type Journal } from '../journal/index.js';",
          "import type { LockHolder } from './journal/port.js';",
          '// SELECT * FROM sets: a comment is not code',
          "rt.watchdog().prepare({ domain: 'd' });",
          'const m = /^(\\d+)$/.exec(text);',
          "const message = 'select a set to delete';",
        ].join('\n'),
      ),
    ).toEqual([]);
  });

  it('no SQL, SQLite driver or backend module outside src/journal/<backend>/', () => {
    const files = sources().filter((s) => !BACKEND_DIR.test(s.file));
    expect(files.map((s) => s.file)).toEqual(
      expect.arrayContaining(['src/runtime.ts', 'src/engine/apply-rollback.ts', 'src/ops/recover.ts', 'src/journal/port.ts']),
    );
    expect(files.flatMap((s) => backendLeaks(s.file, s.text))).toEqual([]);
  });

  it('the backends are where the SQL is (the scan sees it there)', () => {
    for (const dir of ['src/journal/sqlite/', 'src/journal/postgres/']) {
      const backend = sources().filter((s) => s.file.startsWith(dir));
      expect(backend.flatMap((s) => backendLeaks(s.file, s.text)).length).toBeGreaterThan(10);
    }
  });
});
