/** The sample data `ccsnap _echo` prints; also used by the golden-file tests. */
export const ECHO_COLUMNS = ['ID', 'Name', 'Status', 'Size', 'Volumes', 'Metadata'];

export const ECHO_ROWS: Array<Record<string, unknown>> = [
  {
    ID: '5c1b7e8a-0d7a-4c53-9a55-3f5e0b0f9a01',
    Name: 'web-1',
    Status: 'ACTIVE',
    Size: 20,
    Volumes: ['vol-a', 'vol-b'],
    Metadata: { tier: 'web', owner: 'ops' },
  },
  {
    ID: '9e8d7c6b-5a49-4837-a261-5b4c3d2e1f02',
    Name: 'db "primary", 1',
    Status: 'SHUTOFF',
    Size: 120,
    Volumes: [],
    Metadata: {},
  },
  { ID: 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c03', Name: 'app-1', Status: 'ACTIVE', Size: null, Volumes: ['vol-c'], Metadata: { note: 'two\nlines' } },
];

export const ECHO_FIELDS: Record<string, unknown> = {
  id: '5c1b7e8a-0d7a-4c53-9a55-3f5e0b0f9a01',
  name: 'web-1',
  status: 'ACTIVE',
  size: 20,
  consistent: true,
  members: [
    { volume: 'vol-a', device: '/dev/vda' },
    { volume: 'vol-b', device: '/dev/vdb' },
  ],
  properties: { tier: 'web', 'owner-team': 'ops' },
  deleted_at: null,
};
