/**
 * Reads the JSON lines ccsnap and its watchdog exchange (see watchdog-protocol.ts). Every field of a message is
 * checked and only known fields are kept, so neither side acts on a message it cannot read: the caller logs and
 * ignores one that fails (the watchdog also answers an error to a request that names its id).
 */
import { readHypervisorConfig } from '../hypervisor/config.js';
import type { ArmMessage, PrepareMessage, WatchdogReply, WatchdogRequest, WatchdogThaw } from './watchdog-protocol.js';

export type Parsed<T> =
  | { ok: true; message: T }
  /** `op` and `id` when the line had them: the watchdog answers an error to that request. */
  | { ok: false; problem: string; op?: string; id?: string };

/** A request from ccsnap, as the watchdog reads it. */
export function parseWatchdogRequest(line: string): Parsed<WatchdogRequest> {
  return parseLine(line, readRequest);
}

/** A reply of the watchdog, as ccsnap reads it. */
export function parseWatchdogReply(line: string): Parsed<WatchdogReply> {
  return parseLine(line, readReply);
}

/** A field that is missing or of the wrong type. */
class Problem extends Error {}

type Fields = Record<string, unknown>;

function parseLine<T>(line: string, read: (fields: Fields, op: string) => T): Parsed<T> {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { ok: false, problem: 'not JSON' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, problem: 'not a JSON object' };
  const fields = value as Fields;
  const op = typeof fields.op === 'string' ? fields.op : undefined;
  const id = typeof fields.id === 'string' && fields.id !== '' ? fields.id : undefined;
  const known = { ...(op !== undefined ? { op } : {}), ...(id !== undefined ? { id } : {}) };
  if (op === undefined) return { ok: false, problem: 'no op', ...known };
  try {
    return { ok: true, message: read(fields, op) };
  } catch (err) {
    // A Problem, or CCSNAP_HV_CONFIG from the hypervisor config's check.
    return { ok: false, problem: `${op}: ${err instanceof Error ? err.message : String(err)}`, ...known };
  }
}

function readRequest(f: Fields, op: string): WatchdogRequest {
  switch (op) {
    case 'arm':
      return readArm(f);
    case 'prepare':
      return readPrepare(f);
    case 'freezing':
      return { op, id: text(f, 'id'), deadline: count(f, 'deadline') };
    case 'guard':
    case 'disarm':
      return { op, id: text(f, 'id') };
    case 'exit':
    case 'ping':
      return { op };
    default:
      throw new Problem('unknown op');
  }
}

function readArm(f: Fields): ArmMessage {
  return {
    op: 'arm',
    id: text(f, 'id'),
    domain: text(f, 'domain'),
    host: text(f, 'host', { empty: true }),
    hypervisor: readHypervisorConfig(f.hypervisor),
    guardMs: count(f, 'guardMs'),
    callTimeoutMs: count(f, 'callTimeoutMs', 1),
  };
}

function readPrepare(f: Fields): PrepareMessage {
  return { op: 'prepare', domain: text(f, 'domain'), host: text(f, 'host', { empty: true }), hypervisor: readHypervisorConfig(f.hypervisor) };
}

function readReply(f: Fields, op: string): WatchdogReply {
  switch (op) {
    case 'ready':
      return { op, pid: count(f, 'pid', 1) };
    case 'armed':
    case 'guarding':
      return { op, id: text(f, 'id') };
    case 'disarmed':
      return { op, id: text(f, 'id'), ...(f.thaw !== undefined ? { thaw: readThaw(f.thaw) } : {}) };
    case 'pong':
      return { op };
    case 'error':
      return { op, message: text(f, 'message', { empty: true }), ...(f.id !== undefined ? { id: text(f, 'id') } : {}) };
    default:
      throw new Problem('unknown op');
  }
}

function readThaw(value: unknown): WatchdogThaw {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Problem('thaw must be an object');
  const f = value as Fields;
  if (typeof f.verified !== 'boolean') throw new Problem('thaw.verified must be true or false');
  return {
    why: text(f, 'why'),
    firedAt: count(f, 'firedAt'),
    thawSentAt: countOrNull(f, 'thawSentAt'),
    thawedAt: countOrNull(f, 'thawedAt'),
    thawedFilesystems: count(f, 'thawedFilesystems'),
    verified: f.verified,
  };
}

function text(f: Fields, key: string, opts: { empty?: boolean } = {}): string {
  const v = f[key];
  if (typeof v !== 'string' || (v === '' && !opts.empty)) throw new Problem(`${key} must be a${opts.empty ? '' : ' non-empty'} string`);
  return v;
}

function count(f: Fields, key: string, min = 0): number {
  const v = f[key];
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min) throw new Problem(`${key} must be a number of at least ${min}`);
  return v;
}

function countOrNull(f: Fields, key: string): number | null {
  return f[key] === null ? null : count(f, key);
}
