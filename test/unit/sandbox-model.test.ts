import { describe, expect, it } from 'vitest';
import { findFilesystem } from '../../src/sandbox/array/model.js';
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
