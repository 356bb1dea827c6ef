import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CCSNAP_ENVIRONMENT, ERROR_CODES } from '../../../src/error-codes/index.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CATALOGUE_DIR = join(ROOT, 'src', 'error-codes');

/** The product's sources: src/**\/*.ts (but the catalogue itself) and bin/*.js. */
function sources(): Array<{ file: string; text: string }> {
  const src = readdirSync(join(ROOT, 'src'), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => join(ROOT, 'src', f))
    .filter((f) => !f.startsWith(CATALOGUE_DIR));
  const bin = readdirSync(join(ROOT, 'bin'))
    .filter((f) => f.endsWith('.js'))
    .map((f) => join(ROOT, 'bin', f));
  return [...src, ...bin].map((f) => ({ file: relative(ROOT, f), text: readFileSync(f, 'utf8') }));
}

function occurrences(pattern: RegExp): Array<{ token: string; where: string }> {
  return sources().flatMap(({ file, text }) =>
    text.split('\n').flatMap((line, i) => [...line.matchAll(pattern)].map((m) => ({ token: m[0], where: `${file}:${i + 1}` }))),
  );
}

const notACode = new Set(Object.keys(CCSNAP_ENVIRONMENT));

describe('the CCSNAP_* literals of src/ and bin/', () => {
  it('finds codes in the sources (the scan itself works)', () => {
    expect(occurrences(/\bCCSNAP_LOCKED\b/g).length).toBeGreaterThan(0);
  });

  it('are all in the catalogue (src/error-codes/) or known environment variables', () => {
    const unknown = occurrences(/\bCCSNAP_[A-Z0-9_]+\b/g)
      .filter((o) => !Object.hasOwn(ERROR_CODES, o.token) && !notACode.has(o.token))
      .map((o) => `${o.token} (${o.where})`);
    expect(unknown, 'add these codes to src/error-codes/ and run npm run docs:errors').toEqual([]);
  });

  it('are never built at run time (a template or concatenation the scan cannot see)', () => {
    expect(occurrences(/\bCCSNAP_(?![A-Z0-9])/g).map((o) => o.where)).toEqual([]);
  });

  it('use every catalogue entry (an unused one is dead documentation)', () => {
    const used = new Set(occurrences(/\bCCSNAP_[A-Z0-9_]+\b/g).map((o) => o.token));
    const unused = Object.keys(ERROR_CODES).filter((c) => !used.has(c));
    expect(unused, 'no longer raised: remove them from src/error-codes/ and run npm run docs:errors').toEqual([]);
  });
});
