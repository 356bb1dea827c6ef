import { createRequire } from 'node:module';
import type Pg from 'pg';
import { CcsnapError } from '../../errors.js';
import { redactUrl, scrubSecret } from './url.js';

export type Pool = Pg.Pool;
export type PoolClient = Pg.PoolClient;

/** Where a journal URL points, as pg resolves it (URL, then PGHOST/PGPORT/PGDATABASE/PGUSER): for messages, never the password. */
export interface PgTarget {
  /** The URL with its secrets masked (redactUrl). */
  journal: string;
  host: string;
  port: number;
  database: string;
  user: string;
  /** Only to scrub it from a driver's message; never put it in a message, a log line or details. */
  secret: string | undefined;
}

const require = createRequire(import.meta.url);

type PgpassLookup = (params: unknown, done: (password: string | undefined) => void) => void;

/** The pg modules, loaded on first use: a SQLite journal (and --help) never loads them. */
function loadPg(): { pg: typeof Pg; parse: (url: string) => Pg.ClientConfig; pgpass: PgpassLookup } {
  const { parseIntoClientConfig } = require('pg-connection-string') as { parseIntoClientConfig: (url: string) => Pg.ClientConfig };
  return { pg: require('pg') as typeof Pg, parse: parseIntoClientConfig, pgpass: require('pgpass') as PgpassLookup };
}

/**
 * A small pool for `url` (no connection yet) and where it points; an unparseable URL is CCSNAP_JOURNAL_OPEN.
 * The password comes as libpq's does: the URL, else $PGPASSWORD, else the pgpass file ($PGPASSFILE or
 * ~/.pgpass, read here rather than by pg, whose own lookup is deprecated and warns on stderr).
 */
export function createPool(url: string, max: number): { pool: Pool; target: PgTarget } {
  const { pg, parse, pgpass } = loadPg();
  let config: Pg.ClientConfig;
  let probe: Pg.Client;
  try {
    config = parse(url);
    probe = new pg.Client(config);
  } catch {
    throw new CcsnapError('CCSNAP_JOURNAL_OPEN', `cannot open journal ${redactUrl(url)}: not a valid PostgreSQL URL`, {
      details: { journal: redactUrl(url) },
    });
  }
  const target: PgTarget = {
    journal: redactUrl(url),
    host: probe.host,
    port: probe.port,
    database: probe.database ?? '',
    user: probe.user ?? '',
    secret: probe.password ?? undefined,
  };
  const pool = new pg.Pool({
    ...config,
    ...(probe.password ? {} : { password: () => lookupPgpass(pgpass, target) }),
    max,
    application_name: 'ccsnap',
    // An unreachable server fails the call (CCSNAP_JOURNAL_OPEN / _UNAVAILABLE) instead of hanging it.
    connectionTimeoutMillis: 15_000,
    // A server that stops answering fails the call (CCSNAP_JOURNAL_UNAVAILABLE) instead of hanging it.
    query_timeout: 60_000,
    keepAlive: true,
    idleTimeoutMillis: 30_000,
    // A process that is done (a CLI run) may exit while idle connections remain; close() still ends them.
    allowExitOnIdle: true,
  });
  // An idle connection the server drops (restart, failover) is reported here: the next query reconnects.
  pool.on('error', () => undefined);
  return { pool, target };
}

/** The pgpass file's password for the target (undefined when none matches: pg then sends none). */
function lookupPgpass(pgpass: PgpassLookup, t: PgTarget): Promise<string> {
  const params = { host: t.host, port: t.port, database: t.database, user: t.user };
  return new Promise((resolve) => pgpass(params, (password) => resolve(password as string)));
}

/** `database on host:port` (a socket directory shows as such), for messages. */
export function describeTarget(t: PgTarget): string {
  const where = t.host.startsWith('/') ? `socket ${t.host} port ${t.port}` : `${t.host.includes(':') ? `[${t.host}]` : t.host}:${t.port}`;
  return `database ${t.database} on ${where}`;
}

const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENOENT',
  'EACCES',
]);

/** A failure to reach or stay connected to the server (not a failing statement). */
export function isConnectionError(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && (CONNECTION_CODES.has(code) || code.startsWith('08') || code.startsWith('57P') || code.startsWith('28') || code === '3D000'))
    return true;
  return /Connection terminated|timeout exceeded when trying to connect|connection timeout|Query read timeout/i.test(err.message);
}

/** The driver's message on one line, without the password. */
export function driverMessage(err: unknown, target: PgTarget): string {
  const text = err instanceof Error ? err.message || (err as { code?: string }).code || err.name : String(err);
  return scrubSecret(text, target.secret).replace(/\s+/g, ' ').trim();
}

/** CCSNAP_JOURNAL_OPEN for a failed open (unreachable, refused login, missing database, failed migration). */
export function openError(err: unknown, target: PgTarget): CcsnapError {
  if (err instanceof CcsnapError) return err;
  return new CcsnapError('CCSNAP_JOURNAL_OPEN', `cannot open the PostgreSQL journal (${describeTarget(target)}): ${driverMessage(err, target)}`, {
    details: detailsOf(err, target),
  });
}

/** A call that failed after the open: CCSNAP_JOURNAL_UNAVAILABLE when the server went away, else CCSNAP_INTERNAL. */
export function callError(err: unknown, target: PgTarget): CcsnapError {
  if (err instanceof CcsnapError) return err;
  if (isConnectionError(err)) {
    return new CcsnapError('CCSNAP_JOURNAL_UNAVAILABLE', `the PostgreSQL journal (${describeTarget(target)}) is unreachable: ${driverMessage(err, target)}`, {
      details: detailsOf(err, target),
    });
  }
  return new CcsnapError('CCSNAP_INTERNAL', `a journal statement failed: ${driverMessage(err, target)}`, { details: detailsOf(err, target) });
}

function detailsOf(err: unknown, t: PgTarget): Record<string, unknown> {
  const code = err instanceof Error ? (err as { code?: unknown }).code : undefined;
  return { journal: t.journal, host: t.host, port: t.port, database: t.database, user: t.user, ...(typeof code === 'string' ? { driverCode: code } : {}) };
}
