import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { renderError } from '../../../src/cli/render-error.js';
import { toCcsnapError } from '../../../src/errors.js';
import { SandboxError, startSandbox } from '../../../src/sandbox/index.js';

/** The emulator throws its own SandboxError (it imports nothing from ccsnap); ccsnap keeps its catalogued code. */
describe("the sandbox's own errors", () => {
  const dir = mkdtempSync(join(tmpdir(), 'ccsnap-sandbox-err-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('a busy port: SandboxError CCSNAP_SANDBOX_PORT, printed by the CLI with its code and hint (exit 1)', async () => {
    const first = await startSandbox({ host: '127.0.0.1', port: 0 });
    try {
      const port = Number(new URL(first.url).port);
      const err = await startSandbox({ host: '127.0.0.1', port }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(SandboxError);
      expect(err).toMatchObject({ code: 'CCSNAP_SANDBOX_PORT', details: { host: '127.0.0.1', port } });
      expect(renderError(err, false)).toEqual({
        text: `ccsnap: error: port ${port} on 127.0.0.1 is already in use; choose another --port, or 0 for any free port [CCSNAP_SANDBOX_PORT]\n`,
        exitCode: 1,
      });
    } finally {
      await first.close();
    }
  });

  it('an unreadable state file: CCSNAP_SANDBOX_STATE with the path in its details', async () => {
    const path = join(dir, 'state.json');
    writeFileSync(path, '{ not json');
    const err = toCcsnapError(
      await startSandbox({ statePath: path }).then(
        () => undefined,
        (e: unknown) => e,
      ),
    );
    expect(err.code).toBe('CCSNAP_SANDBOX_STATE');
    expect(err.details).toEqual({ path });
    expect(err.message).toContain(path);
  });

  it('an error code that is not catalogued stays CCSNAP_INTERNAL', () => {
    const err = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    expect(toCcsnapError(err).code).toBe('CCSNAP_INTERNAL');
  });
});
