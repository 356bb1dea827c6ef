import { createHash, randomUUID } from 'node:crypto';

/**
 * `derive` remembered by key: a pure derivation (a hash) asked for again and again, as a page of 1000 servers or
 * volumes does. The memory is dropped whole when it holds `max` keys, so a sandbox that serves for days stays
 * bounded.
 */
export function remembered(max: number, derive: (key: string) => string): (key: string) => string {
  const known = new Map<string, string>();
  return (key) => {
    let value = known.get(key);
    if (value === undefined) {
      if (known.size >= max) known.clear();
      value = derive(key);
      known.set(key, value);
    }
    return value;
  };
}

/** A UUID derived from a name, so the demo inventory has the same ids on every machine (a SHA-1 each, remembered). */
export const stableUuid = remembered(200_000, deriveUuid);

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
