import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';

/** The post's Task 1 Step 3 (scripts/seed/task1-step3.sh), run once for $FSNAME. */
const STEP3_FILE = fileURLToPath(new URL('../../scripts/seed/task1-step3.sh', import.meta.url));
export const SEED_TASK1_STEP3 = `set -o pipefail\nsource "${STEP3_FILE}"\nseed_task1_step3\n`;

/** The snapshot name the post's pipeline uses. */
export const SEED_SNAPSHOT_NAME = 'mysnappy2';

const JSON_BIN_DIR = resolve(new URL('../../node_modules/.bin', import.meta.url).pathname);

/** True when curl and bash are installed (the `json` CLI is a dev dependency). */
export const HAVE_SEED_TOOLS = (existsSync('/usr/bin/curl') || existsSync('/bin/curl')) && existsSync(join(JSON_BIN_DIR, 'json'));

/**
 * Runs the post's pipeline against the sandbox array at `sandboxUrl` with `apiKey`, snapshotting the
 * filesystem named `fsName` (a Cinder volume id without hyphens) as "mysnappy2". Returns the id and name printed.
 */
export async function runSeedPipeline(opts: { sandboxUrl: string; apiKey: string; fsName: string; workDir: string }): Promise<{ id: string; name: string }> {
  await mkdir(opts.workDir, { recursive: true });
  await writeFile(join(opts.workDir, 'ec127.0.0.1'), `url=${opts.sandboxUrl}/client/api\n`);
  await writeFile(join(opts.workDir, 'eckey127.0.0.1'), `apiKey=${opts.apiKey}&response=json\n`, { mode: 0o600 });
  const env = {
    PATH: `${JSON_BIN_DIR}:${dirname(process.execPath)}:/usr/local/bin:/usr/bin:/bin`,
    HOME: opts.workDir,
    FSNAME: opts.fsName,
    NO_PROXY: '*',
    no_proxy: '*',
  };
  const { stdout } = await promisify(execFile)('bash', ['-c', SEED_TASK1_STEP3], { cwd: opts.workDir, env, timeout: 20_000 });
  const [id, name] = stdout.trim().split(/\s+/);
  if (!id || name !== SEED_SNAPSHOT_NAME) throw new Error(`the seed pipeline printed ${JSON.stringify(stdout)}`);
  return { id, name };
}
