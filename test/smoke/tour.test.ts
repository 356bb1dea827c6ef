import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CCSNAP_BIN, cliError, startSandboxCli, type CliResult } from '../helpers/sandbox-cli.js';

function ccsnap(args: string[], sandboxDir: string): Promise<CliResult> {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^(OS_|CCSNAP_)/.test(k)) env[k] = v;
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CCSNAP_BIN, ...args],
      { env: { ...env, HOME: sandboxDir, CCSNAP_SANDBOX_DIR: sandboxDir }, timeout: 120_000, maxBuffer: 16 * 1024 * 1024 },
      (err, stdout, stderr) => {
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
      },
    );
  });
}

describe('ccsnap tour', () => {
  let dir: string;
  let tour: CliResult;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ccsnap-tour-test-'));
    tour = await ccsnap(['tour'], dir);
  }, 120_000);
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('runs every step, says how to run ccsnap from a clone, and explains the instance --all refuses', () => {
    expect(tour.code, tour.stdout + tour.stderr).toBe(0);
    expect(tour.stdout).toContain('npx -- ccsnap');
    expect(tour.stdout).toContain('npm link');
    expect(tour.stdout).toMatch(/noagent-1 has no guest agent/);
    expect(tour.stdout).toMatch(/^\$ ccsnap create --all /m);
    expect(tour.stdout).toMatch(/^\| noagent-1 +\| error /m);
  });

  it('shows the idempotent delete: the same set twice, the second finds it already gone', () => {
    const deletes = [...tour.stdout.matchAll(/^\$ ccsnap delete db-1 ([0-9a-f]+) --yes.*$/gm)];
    expect(deletes).toHaveLength(2);
    expect(deletes[0]![1]).toBe(deletes[1]![1]);
    const after = tour.stdout.slice(deletes[1]!.index);
    expect(after).toMatch(/\| already-absent \|/);
  });

  it('leaves its sandbox (state and journal) for --sandbox commands, and says so', async () => {
    expect(tour.stdout).toContain(`The sandbox stays in ${dir}`);
    const list = await ccsnap(['--sandbox', 'list', '-f', 'json', '-c', 'Instance Name', '-c', 'Label'], dir);
    expect(list.code, list.stderr).toBe(0);
    const rows = JSON.parse(list.stdout) as Array<{ 'Instance Name': string; Label: string | null }>;
    expect(rows.filter((r) => r['Instance Name'] === 'web-1').map((r) => r.Label)).toEqual(['before-upgrade', 'before-upgrade']);
  });

  it('refuses to re-seed a sandbox that a running server is serving', async () => {
    const cli = await startSandboxCli();
    try {
      const r = await ccsnap(['tour'], cli.dir);
      expect(r.code).toBe(1);
      expect(cliError(r.stderr)?.code).toBe('CCSNAP_SANDBOX_BUSY');
    } finally {
      await cli.close();
    }
  });
});
