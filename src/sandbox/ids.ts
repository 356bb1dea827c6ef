import { createHash, randomUUID } from 'node:crypto';

/**
 * A UUID derived from a name, so the demo inventory has the same ids on every machine. Remembered (a page of
 * 1000 servers or volumes derives a few ids for each, and a SHA-1 each time was a tenth of its work); the
 * memory is dropped whole when it holds MAX_REMEMBERED names, so a sandbox that serves for days stays bounded.
 */
export function stableUuid(name: string): string {
  let id = REMEMBERED.get(name);
  if (id === undefined) {
    if (REMEMBERED.size >= MAX_REMEMBERED) REMEMBERED.clear();
    id = deriveUuid(name);
    REMEMBERED.set(name, id);
  }
  return id;
}

const MAX_REMEMBERED = 200_000;
const REMEMBERED = new Map<string, string>();

function deriveUuid(name: string): string {
  const h = createHash('sha1').update(`ccsnap-sandbox:${name}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h.slice(16, 18), 16) & 0x3f) | 0x80).toString(16)}${h.slice(18, 20)}-${h.slice(20, 32)}`;
}

/** 32 hex characters, as Keystone ids are. */
export function stableHexId(name: string): string {
  return stableUuid(name).replace(/-/g, '');
}

export function newUuid(): string {
  return randomUUID();
}

/** libvirt domain name as Nova makes it: instance-%08x. */
export function instanceName(n: number): string {
  return `instance-${n.toString(16).padStart(8, '0')}`;
}
