// Sums vitest JSON reports into one line "N passed, N failed". A suite that crashed without a report,
// or that exited non-zero without failed tests, counts as one failure: nothing is hidden.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.argv[2] ?? '.ci/results';
let passed = 0;
let failed = 0;
let skipped = 0;
for (const rcFile of readdirSync(dir)
  .filter((f) => f.endsWith('.rc'))
  .sort()) {
  const name = rcFile.slice(0, -3);
  const rc = Number(readFileSync(join(dir, rcFile), 'utf8').trim());
  const report = join(dir, `${name}.json`);
  if (!existsSync(report)) {
    console.log(`${name}: no report (exit ${rc}) -> 1 failed`);
    failed += 1;
    continue;
  }
  const r = JSON.parse(readFileSync(report, 'utf8'));
  const p = r.numPassedTests ?? 0;
  const f = r.numFailedTests ?? 0;
  const s = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
  const crashed = rc !== 0 && f === 0 ? 1 : 0;
  console.log(`${name}: ${p} passed, ${f + crashed} failed, ${s} skipped${crashed ? ` (exit ${rc} without a failed test: counted as 1 failure)` : ''}`);
  passed += p;
  failed += f + crashed;
  skipped += s;
}
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 ? 1 : 0);
