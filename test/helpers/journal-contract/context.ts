import type { Journal } from '../../../src/journal/index.js';

/** What a part of the contract gets: the backend's name, and journals it opens (closed after each test). */
export interface ContractContext {
  backend: string;
  /** A new, empty journal. */
  fresh: () => Promise<Journal>;
  /** Another journal on the same store as `journal`: another process's view of it. */
  another: (journal: Journal) => Promise<Journal>;
}

export const TWO_MEMBERS = [
  { volumeId: 'v1', arrayName: 'ec1', fsId: 'f1', snapshotName: 's1' },
  { volumeId: 'v2', arrayName: 'ec1', fsId: 'f2', snapshotName: 's2' },
];
export const OCC = 'hourly@2026-05-01T10:00:00Z';
export const DUE = { policy: 'hourly', occurrence: OCC, scheduledAt: '2026-05-01T10:00:00Z', state: 'due' } as const;
