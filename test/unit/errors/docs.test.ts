import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../../src/error-codes/index.js';
import { renderErrorsDoc } from '../../../src/error-codes/render-doc.js';

const DOC = new URL('../../../docs/errors.md', import.meta.url);

describe('docs/errors.md', () => {
  it('is what the catalogue generates (if not: npm run docs:errors)', () => {
    expect(readFileSync(DOC, 'utf8'), 'docs/errors.md is out of date: run npm run docs:errors').toBe(renderErrorsDoc());
  });

  it('has one row per code', () => {
    const rows = renderErrorsDoc()
      .split('\n')
      .filter((l) => /^\| `CCSNAP_[A-Z0-9_]+` \| [12—]/.test(l));
    expect(rows).toHaveLength(Object.keys(ERROR_CODES).length);
    expect(renderErrorsDoc()).toContain('| `CCSNAP_LOCKED` | 1 | Another operation');
  });
});
