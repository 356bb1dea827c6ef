import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = new URL('../../', import.meta.url).pathname;

interface Report {
  numFailedTests: number;
  numPassedTests: number;
  numPendingTests: number;
}

function runFixture(ci: boolean): Promise<{ code: number; report: Report }> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.CI;
  delete env.VITEST;
  delete env.VITEST_POOL_ID;
  delete env.VITEST_WORKER_ID;
  if (ci) env.CI = 'true';
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [join(ROOT, 'node_modules', 'vitest', 'vitest.mjs'), 'run', '--config', 'test/fixtures/ci-skip/vitest.config.ts', '--reporter=json'],
      { cwd: ROOT, env },
      (err, stdout) => {
        const code = err ? (err as { code?: number }).code : 0;
        if (typeof code !== 'number') return reject(err ?? new Error('vitest ended without an exit code'));
        try {
          resolve({ code, report: JSON.parse(stdout.slice(stdout.indexOf('{'))) as Report });
        } catch (e) {
          reject(new Error(`no JSON report (exit ${code}): ${stdout}`, { cause: e }));
        }
      },
    );
  });
}

describe('a test that needs missing software', () => {
  it('is skipped outside CI, and counts as a failure in CI (CI=true)', async () => {
    const [local, ci] = await Promise.all([runFixture(false), runFixture(true)]);
    expect(local.code).toBe(0);
    expect(local.report).toMatchObject({ numFailedTests: 0, numPassedTests: 0, numPendingTests: 1 });
    expect(ci.code).toBe(1);
    expect(ci.report.numFailedTests).toBe(1);
  });
});
