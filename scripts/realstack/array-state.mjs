#!/usr/bin/env node
// scripts/realstack/array-state.mjs — builds the state of the sandbox ElastiCenter array for the realstack
// suite: one filesystem per REAL Cinder volume (named like the CloudByte driver names them: the volume id
// without hyphens), each backed by an ext4 image file (file-backed mode), plus a fresh API key.
//
//   node scripts/realstack/array-state.mjs --state FILE --data-dir DIR --key-file FILE \
//        --volume ID:LABEL:SIZE_GB [--volume ...] [--image-mb 64]
//
// Each new image holds /ccsnap-volume ("<LABEL> <ID>") so the guest can tell its disks apart. Idempotent:
// an existing state file is extended (existing filesystems and images are left alone). Write the state
// only while no `ccsnap sandbox serve` uses it. Prints {"apiKeyFile", "filesystems": {volumeId: {...}}}.
// Uses the built library (dist/): run `npm run build` first.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { emptyState } from '../../dist/sandbox/state.js';
import { saveState } from '../../dist/sandbox/store.js';
import { provisionArrayFilesystem } from '../../dist/sandbox/array/filesystems.js';
import { attachImage, filesystemImagePath } from '../../dist/sandbox/array/images.js';
import { stableUuid } from '../../dist/sandbox/ids.js';

const { values } = parseArgs({
  options: {
    state: { type: 'string' },
    'data-dir': { type: 'string' },
    'key-file': { type: 'string' },
    volume: { type: 'string', multiple: true, default: [] },
    'image-mb': { type: 'string', default: '64' },
  },
});
if (!values.state || !values['data-dir'] || !values['key-file'] || values.volume.length === 0) {
  console.error('usage: array-state.mjs --state FILE --data-dir DIR --key-file FILE --volume ID:LABEL:SIZE_GB [...] [--image-mb N]');
  process.exit(2);
}
const statePath = resolve(values.state);
const dataDir = resolve(values['data-dir']);
const keyFile = resolve(values['key-file']);
const imageMb = Number(values['image-mb']);

const state = existsSync(statePath) ? JSON.parse(readFileSync(statePath, 'utf8')) : emptyState();
if (!state.array.apiKey) state.array.apiKey = randomBytes(24).toString('base64url');
if (state.array.accounts.length === 0) {
  // What the CloudByte Cinder driver provisions into: one account, one TSM (VSM), one pool.
  const accountId = stableUuid('account:OPENSTACK_ACC');
  state.array.accounts.push({ id: accountId, name: 'OPENSTACK_ACC' });
  state.array.tsms.push({
    id: stableUuid('tsm:OPENSTACK_VSM'),
    name: 'OPENSTACK_VSM',
    accountId,
    datasetId: stableUuid('dataset:OPENSTACK_VSM'),
    pool: 'POOL1',
    ipaddress: '127.0.0.1',
  });
}
state.array.rollbackPolicy = 'newest-only';
mkdirSync(dirname(keyFile), { recursive: true });
writeFileSync(keyFile, `${state.array.apiKey}\n`, { mode: 0o600 });

const filesystems = {};
for (const spec of values.volume) {
  const [id, label = 'volume', size = '1'] = spec.split(':');
  if (!/^[0-9a-f-]{36}$/i.test(id ?? '')) throw new Error(`not a volume id: ${id}`);
  const fs = provisionArrayFilesystem(state.array, { id, size: Number(size) });
  const imagePath = fs.imagePath ?? (await filesystemImagePath(dataDir, fs.id));
  if (!existsSync(imagePath)) makeExt4Image(imagePath, imageMb, label, `${label} ${id}\n`);
  attachImage(state.array, fs.id, imagePath);
  filesystems[id] = { fsId: fs.id, name: fs.name, label, imagePath };
}
saveState(statePath, state);
console.log(JSON.stringify({ state: statePath, apiKeyFile: keyFile, filesystems }));

/** A raw ext4 image whose root holds /ccsnap-volume (mkfs.ext4 -d populates it; no mount needed). */
function makeExt4Image(path, mb, label, marker) {
  const seed = mkdtempSync(join(tmpdir(), 'realstack-fs-'));
  try {
    writeFileSync(join(seed, 'ccsnap-volume'), marker);
    mkdirSync(dirname(path), { recursive: true });
    execFileSync('truncate', ['-s', `${mb}M`, path]);
    execFileSync('mkfs.ext4', ['-q', '-F', '-L', label.slice(0, 16), '-d', seed, path]);
  } finally {
    rmSync(seed, { recursive: true, force: true });
  }
}
