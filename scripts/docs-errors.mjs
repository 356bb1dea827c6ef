// Writes docs/errors.md from the error catalogue (src/error-codes/, built into dist/). Run: npm run docs:errors
import { writeFileSync } from 'node:fs';
import { renderErrorsDoc } from '../dist/error-codes/render-doc.js';

const target = new URL('../docs/errors.md', import.meta.url);
writeFileSync(target, renderErrorsDoc());
process.stdout.write(`wrote ${target.pathname}\n`);
