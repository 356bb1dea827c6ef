import { describe, expect, it } from 'vitest';
import { ListParamError, paginate } from '../../src/sandbox/openstack/nova-list.js';
import { remembered, stableUuid } from '../../src/sandbox/ids.js';

const items = (n: number, prefix = 'id'): Array<{ id: string }> => Array.from({ length: n }, (_, i) => ({ id: `${prefix}-${i}` }));
const query = (marker: string, limit = 3): URLSearchParams => new URLSearchParams({ marker, limit: String(limit) });

describe('sandbox paginate: the marker of a long list', () => {
  it('finds the page after the marker, the same on every page of one list (indexed once)', () => {
    const list = items(2500);
    for (const at of [0, 999, 1000, 2496]) {
      const page = paginate(list, query(`id-${at}`));
      expect(page.items.map((i) => i.id)).toEqual([`id-${at + 1}`, `id-${at + 2}`, `id-${at + 3}`]);
    }
    expect(paginate(list, query('id-2498')).items.map((i) => i.id)).toEqual(['id-2499']);
  });

  it('refuses a marker the list does not hold (400), also after the list was indexed', () => {
    const list = items(1200);
    paginate(list, query('id-5'));
    expect(() => paginate(list, query('gone'))).toThrow(ListParamError);
  });

  it('never answers from the index for an item no longer at its position', () => {
    const list = items(1200);
    paginate(list, query('id-5'));
    // Replaced in place (callers must not do this; the index checks the list itself anyway).
    list[5] = { id: 'other' };
    expect(() => paginate(list, query('id-5'))).toThrow(ListParamError);
    expect(paginate(list, query('other')).items[0]!.id).toBe('id-6');
  });

  it('with equal ids, the first is the marker (as a scan finds it)', () => {
    const list = items(1500);
    list[700] = { id: 'id-10' };
    expect(paginate(list, query('id-10')).items[0]!.id).toBe('id-11');
  });

  it('a short list is scanned as before', () => {
    expect(paginate(items(10), query('id-2', 2)).items.map((i) => i.id)).toEqual(['id-3', 'id-4']);
  });
});

describe('sandbox stableUuid', () => {
  it('derives the same UUID for a name every time (remembered or not)', () => {
    const first = stableUuid('server:vm-1');
    expect(first).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(stableUuid('server:vm-1')).toBe(first);
    expect(stableUuid('server:vm-2')).not.toBe(first);
  });

  it('remembers a derivation, and forgets everything at its bound (never answers wrongly)', () => {
    const derived: string[] = [];
    const upper = remembered(2, (key) => (derived.push(key), key.toUpperCase()));
    expect([upper('a'), upper('b'), upper('a')]).toEqual(['A', 'B', 'A']);
    expect(derived).toEqual(['a', 'b']);
    // A third key: the memory is dropped whole, then fills again.
    expect([upper('c'), upper('a'), upper('c')]).toEqual(['C', 'A', 'C']);
    expect(derived).toEqual(['a', 'b', 'c', 'a']);
  });
});
