import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliError, startSandboxCli, type SandboxCli } from '../helpers/sandbox-cli.js';

/** Issue 12 item 6: the global --timeout bounds every request, array requests included. */
let cli: SandboxCli;

beforeAll(async () => {
  cli = await startSandboxCli({ faults: [{ service: 'array', key: 'listFileSystem', hang: true }] });
});
afterAll(async () => cli?.close());

describe('--timeout and a hung array', () => {
  it('list gives up on a hung listFileSystem after --timeout, not after the array default (30 s)', async () => {
    const r = await cli.run(['--timeout', '1', 'list']);
    expect(r.code).toBe(1);
    const err = cliError(r.stderr)!;
    expect(err.code).toBe('CCSNAP_ARRAY_TIMEOUT');
    expect(err.message).toContain('listFileSystem got no answer within 1000 ms');
  });
});
