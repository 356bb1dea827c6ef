import { describe, expect, it } from 'vitest';
import { instanceJobId, uuidV5 } from '../../../src/fleet/job-id.js';

describe('job ids', () => {
  it('are RFC 4122 version-5 UUIDs (the standard example: www.example.com in the DNS namespace)', () => {
    expect(uuidV5('www.example.com', '6ba7b810-9dad-11d1-80b4-00c04fd430c8')).toBe('2ed6657d-e927-568b-95e1-2665a8aea6a2');
  });

  it('one (policy, instance, occurrence) is one id; any part changed is another', () => {
    const id = instanceJobId('hourly', 'i-1', 'hourly@2026-11-27T10:00:00Z');
    expect(instanceJobId('hourly', 'i-1', 'hourly@2026-11-27T10:00:00Z')).toBe(id);
    expect(
      new Set([
        id,
        instanceJobId('daily', 'i-1', 'hourly@2026-11-27T10:00:00Z'),
        instanceJobId('hourly', 'i-2', 'hourly@2026-11-27T10:00:00Z'),
        instanceJobId('hourly', 'i-1', 'hourly@2026-11-27T11:00:00Z'),
      ]).size,
    ).toBe(4);
    // The parts are kept apart: "a" + "b\0c" is not "a\0b" + "c".
    expect(instanceJobId('a', 'b\0c', 'd')).not.toBe(instanceJobId('a\0b', 'c', 'd'));
  });
});
