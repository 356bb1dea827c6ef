import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SANDBOX_VIRSH = join(ROOT, 'bin', 'sandbox-virsh.js');

/**
 * The seed blog post's Task 1 as one script: Step 2 (`virsh domfsfreeze`, one-shot), Step 3 (the
 * curl|json|json|awk|curl|json|json pipeline of scripts/seed/task1-step3.sh) once per
 * volume, one after the other, and Step 4 (`virsh domfsthaw`, one-shot). `virsh` is the sandbox's
 * virsh-compatible program; `json` is trentm's json from node_modules/.bin, as in
 * test/component/seed-pipeline.test.ts.
 */
export const SEED_SCRIPT = `set -eo pipefail
source "$STEP3"
"$VIRSH" -c "$URI" domfsfreeze "$DOMAIN"
k=0
for FSNAME in $FSNAMES; do
  k=$((k+1))
  export FSNAME
  SNAPNAME=\${SNAPNAME}_\${k} seed_task1_step3
done
"$VIRSH" -c "$URI" domfsthaw "$DOMAIN"
`;

export function haveSeedTools() {
  return ['/usr/bin/curl', '/bin/curl'].some(existsSync) && ['/usr/bin/awk', '/bin/awk'].some(existsSync) && ['/usr/bin/bash', '/bin/bash'].some(existsSync);
}

/** A working directory with the post's curl config and key files for the sandbox array. */
export function prepareSeed(sandboxUrl, apiKey) {
  const dir = mkdtempSync(join(tmpdir(), 'ccsnap-bench-seed-'));
  writeFileSync(join(dir, 'ec127.0.0.1'), `url=${sandboxUrl}/client/api\n`);
  writeFileSync(join(dir, 'eckey127.0.0.1'), `apiKey=${apiKey}&response=json\n`, { mode: 0o600 });
  const env = {
    PATH: `${resolve(ROOT, 'node_modules/.bin')}:${dirname(process.execPath)}:/usr/local/bin:/usr/bin:/bin`,
    HOME: dir,
    NO_PROXY: '*',
    no_proxy: '*',
    VIRSH: SANDBOX_VIRSH,
    STEP3: join(ROOT, 'scripts', 'seed', 'task1-step3.sh'),
  };
  return {
    dir,
    /** Runs Task 1 Steps 2-4 for `domain` and its filesystems (names = volume ids without hyphens). */
    run({ uri, domain, fsNames, snapName }) {
      return new Promise((resolvePromise, reject) => {
        execFile(
          'bash',
          ['-c', SEED_SCRIPT],
          { cwd: dir, env: { ...env, URI: uri, DOMAIN: domain, FSNAMES: fsNames.join(' '), SNAPNAME: snapName }, timeout: 60_000 },
          (err, stdout, stderr) => {
            if (err) return reject(new Error(`seed pipeline failed: ${err.message} ${stderr}`));
            resolvePromise(stdout);
          },
        );
      });
    },
    close() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
