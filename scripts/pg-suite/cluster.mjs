// @ts-check
// A throwaway PostgreSQL cluster of Debian's postgresql (scripts/pg-suite/setup.sh installs it), for the pg
// suite (test/helpers/postgres.ts re-exports this with its types, cluster.d.mts) and the bench
// (bench/suites/workers.mjs). Plain ESM, node built-ins only. Argument arrays only.
import { execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync, chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

/**
 * @typedef {object} PgClusterInfo
 * @property {string} socketDir The Unix socket's directory (for `?host=`).
 * @property {number} port
 * @property {string} user
 * @property {string} password The superuser's password: TCP connections need it.
 */
/**
 * @typedef {PgClusterInfo & { dataDir: string; stop(): Promise<void>; serverPid(): number | null }} PgCluster
 */

const run = promisify(execFile);
const PG_ROOT = '/usr/lib/postgresql';
const SUPERUSER = 'postgres';

/**
 * The newest installed server's bin directory (where initdb and pg_ctl are), or undefined.
 * @returns {string | undefined}
 */
export function findPgBin() {
  if (!existsSync(PG_ROOT)) return undefined;
  const versions = readdirSync(PG_ROOT)
    .filter((v) => existsSync(join(PG_ROOT, v, 'bin', 'initdb')) && existsSync(join(PG_ROOT, v, 'bin', 'pg_ctl')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] && join(PG_ROOT, versions[0], 'bin');
}

/**
 * URL of `database` over the cluster's Unix socket (trust: no password).
 * @param {PgClusterInfo} pg
 * @returns {string}
 */
export function socketUrl(pg, database = 'postgres') {
  return `postgresql://${pg.user}@/${database}?host=${encodeURIComponent(pg.socketDir)}&port=${pg.port}`;
}

/**
 * URL of `database` over TCP on 127.0.0.1 (scram: the password is needed, in the URL or from elsewhere).
 * @param {PgClusterInfo} pg
 * @returns {string}
 */
export function tcpUrl(pg, database = 'postgres', withPassword = true) {
  const auth = withPassword ? `${pg.user}:${encodeURIComponent(pg.password)}` : pg.user;
  return `postgresql://${auth}@127.0.0.1:${pg.port}/${database}`;
}

/**
 * Initialises and starts a cluster on a Unix socket in a temp dir and on 127.0.0.1 at a free port (a few
 * seconds); `stop()` stops it and removes its files. PostgreSQL refuses to run as root: as root, every server
 * program runs as the `postgres` system user (runuser) and the dir is its own. Local (socket) connections
 * trust; TCP connections need the superuser's password (scram-sha-256).
 * @param {{ parent?: string; signal?: AbortSignal }} [opts]
 * @returns {Promise<PgCluster>}
 */
export async function startPgCluster(opts = {}) {
  const bin = findPgBin();
  if (!bin) throw new Error(`PostgreSQL is not installed (no ${PG_ROOT}/*/bin/initdb): run scripts/pg-suite/setup.sh`);
  const dir = makeClusterDir(opts.parent ?? defaultParent());
  const asPg = serverRunner(bin, dir, opts.signal);
  const password = randomBytes(18).toString('base64url');
  const data = join(dir, 'data');
  let started = false;
  try {
    const pwfile = join(dir, 'pwfile');
    writePrivate(pwfile, `${password}\n`);
    await asPg('initdb', [
      '-D',
      data,
      '-U',
      SUPERUSER,
      '--auth-local=trust',
      '--auth-host=scram-sha-256',
      `--pwfile=${pwfile}`,
      '-E',
      'UTF8',
      '--locale=C',
      '--no-sync',
    ]);
    rmSync(pwfile);
    const port = await startOnFreePort(asPg, dir, data);
    started = true;
    const stopSync = () => stopNow(bin, data, dir);
    process.once('exit', stopSync);
    return {
      socketDir: dir,
      port,
      user: SUPERUSER,
      password,
      dataDir: data,
      serverPid: () => readPostmasterPid(data),
      stop: async () => {
        process.removeListener('exit', stopSync);
        try {
          await asPg('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      },
    };
  } finally {
    if (!started) rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The postmaster's pid (first line of postmaster.pid), or null when the server is not running.
 * @param {string} data
 * @returns {number | null}
 */
function readPostmasterPid(data) {
  try {
    const pid = Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

/**
 * pg_ctl start on a free 127.0.0.1 port; a port taken between the probe and the start is tried again.
 * @param {ServerRunner} asPg
 * @param {string} dir
 * @param {string} data
 * @returns {Promise<number>}
 */
async function startOnFreePort(asPg, dir, data) {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    appendFileSync(join(data, 'postgresql.conf'), serverSettings(dir, port));
    try {
      await asPg('pg_ctl', ['-D', data, '-l', join(dir, 'server.log'), '-w', '-t', '120', 'start']);
      return port;
    } catch (err) {
      if (attempt >= 3) throw err;
    }
  }
}

/**
 * Settings for tests and benches: no durability (fsync off), quiet, enough connections for several pools at once.
 * @param {string} dir
 * @param {number} port
 * @returns {string}
 */
function serverSettings(dir, port) {
  return [
    '',
    "listen_addresses = '127.0.0.1'",
    `port = ${port}`,
    `unix_socket_directories = '${dir}'`,
    'fsync = off',
    'synchronous_commit = off',
    'full_page_writes = off',
    'max_connections = 200',
    'shared_buffers = 32MB',
    "log_min_messages = 'warning'",
    '',
  ].join('\n');
}

/** @typedef {(program: 'initdb' | 'pg_ctl', args: string[]) => Promise<void>} ServerRunner */

/**
 * Runs a server program of `bin`, as the postgres user when this process is root.
 * @param {string} bin
 * @param {string} dir
 * @param {AbortSignal | undefined} signal
 * @returns {ServerRunner}
 */
function serverRunner(bin, dir, signal) {
  return async (program, args) => {
    const [file, argv] = asServerUser(join(bin, program), args);
    // The cluster's own dir as the working directory: the postgres user may not reach this process's.
    await run(file, argv, { cwd: dir, env: { ...process.env, LC_ALL: 'C' }, timeout: 180_000, ...(signal ? { signal } : {}) });
  };
}

/**
 * @param {string} file
 * @param {string[]} args
 * @returns {[string, string[]]}
 */
function asServerUser(file, args) {
  return isRoot() ? ['runuser', ['-u', SUPERUSER, '--', file, ...args]] : [file, args];
}

/**
 * The process is leaving without stop(): stop the server at once (synchronously) and remove its files.
 * @param {string} bin
 * @param {string} data
 * @param {string} dir
 */
function stopNow(bin, data, dir) {
  const [file, argv] = asServerUser(join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop']);
  try {
    execFileSync(file, argv, { cwd: dir, stdio: 'ignore', timeout: 30_000 });
  } catch {
    // Already stopped: nothing to do but remove the files.
  }
  rmSync(dir, { recursive: true, force: true });
}

/**
 * The temp dir, when the server's user can reach it; else /tmp. (As root, the main suite's private TMPDIR
 * is root's alone: the postgres user cannot enter it.)
 * @returns {string}
 */
function defaultParent() {
  if (!isRoot()) return tmpdir();
  try {
    execFileSync('runuser', ['-u', SUPERUSER, '--', 'test', '-x', tmpdir()], { stdio: 'ignore' });
    return tmpdir();
  } catch {
    return '/tmp';
  }
}

/**
 * @param {string} parent
 * @returns {string}
 */
function makeClusterDir(parent) {
  const dir = mkdtempSync(join(parent, 'ccsnap-pg-'));
  // A Unix socket's path is at most 107 bytes: <dir>/.s.PGSQL.<port>.
  if (dir.length + 20 > 107) throw new Error(`the cluster dir ${dir} is too long for a Unix socket path: set TMPDIR to a shorter directory`);
  if (isRoot()) {
    const { uid, gid } = postgresUser();
    chownSync(dir, uid, gid);
  }
  chmodSync(dir, 0o700);
  return dir;
}

/**
 * @param {string} path
 * @param {string} text
 */
function writePrivate(path, text) {
  writeFileSync(path, text, { mode: 0o600 });
  if (isRoot()) {
    const { uid, gid } = postgresUser();
    chownSync(path, uid, gid);
  }
}

/** @returns {{ uid: number; gid: number }} */
function postgresUser() {
  /** @param {string} flag */
  const read = (flag) => Number(execFileSync('id', [flag, SUPERUSER], { encoding: 'utf8' }).trim());
  return { uid: read('-u'), gid: read('-g') };
}

function isRoot() {
  return process.getuid?.() === 0;
}

/** @returns {Promise<number>} */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
