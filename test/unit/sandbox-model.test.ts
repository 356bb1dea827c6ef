import { describe, expect, it } from 'vitest';
import { findFilesystem } from '../../src/sandbox/array/model.js';
import { sortNewestFirst } from '../../src/sandbox/openstack/nova-list.js';
import { buildScaledState } from '../../src/sandbox/scale.js';

describe('sandbox array model', () => {
  it('finds a filesystem by id through its index, and never a removed or moved one', () => {
    const state = buildScaledState({ instances: 4, volumesPerInstance: 2, snapshotsPerVolume: 0 });
    const all = state.array.filesystems;
    for (const fs of all) expect(findFilesystem(state.array, fs.id)).toBe(fs);
    expect(findFilesystem(state.array, 'no-such-id')).toBeUndefined();

    // In place: the same array, its positions shifted.
    const [gone] = all.splice(2, 1);
    expect(findFilesystem(state.array, gone!.id)).toBeUndefined();
    for (const fs of all) expect(findFilesystem(state.array, fs.id)).toBe(fs);
    const added = { ...gone!, id: 'added-later', name: 'addedlater' };
    all.push(added);
    expect(findFilesystem(state.array, 'added-later')).toBe(added);

    // Replaced: a new array (as deleteFileSystem does).
    state.array.filesystems = all.filter((f) => f.id !== all[0]!.id);
    expect(findFilesystem(state.array, all[0]!.id)).toBeUndefined();
    for (const fs of state.array.filesystems) expect(findFilesystem(state.array, fs.id)).toBe(fs);
  });
});

describe('sandbox list order', () => {
  it('sorts newest first (then id, descending), the same for the same items every time, anew for other items', () => {
    const item = (id: string, created: string) => ({ id, created });
    const a = item('a', '2026-01-01T00:00:00Z');
    const b = item('b', '2026-01-02T00:00:00Z');
    const c = item('c', '2026-01-02T00:00:00Z');
    const ids = (items: Array<{ id: string }>) => items.map((i) => i.id);
    expect(ids(sortNewestFirst([a, b, c], (i) => i.created))).toEqual(['c', 'b', 'a']);
    expect(ids(sortNewestFirst([a, b, c], (i) => i.created))).toEqual(['c', 'b', 'a']);
    const d = item('d', '2026-01-03T00:00:00Z');
    expect(ids(sortNewestFirst([a, b, c, d], (i) => i.created))).toEqual(['d', 'c', 'b', 'a']);
    expect(ids(sortNewestFirst([a, c], (i) => i.created))).toEqual(['c', 'a']);
    expect(ids(sortNewestFirst([], (i: { id: string; created: string }) => i.created))).toEqual([]);
  });
});
