import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addSameNameFilesystem, type SandboxState } from '../../src/sandbox/index.js';
import { cliError, startSandboxCli, type SandboxCli } from '../helpers/sandbox-cli.js';

/**
 * Issue 12 item 1: one mapping path (array/mapping.ts) for every command. web-1's data volume has two
 * filesystems of its name on the array (two TSMs); a volume of app-1 has none. Nothing is frozen or snapshotted.
 */
let cli: SandboxCli;
let twin: { id: string; name: string };
let webData: { volumeId: string; fsId: string };
let appBoot: { volumeId: string };

function volumeOf(state: SandboxState, server: string, index: number): string {
  const id = state.nova.servers.find((s) => s.name === server)!.id;
  return state.cinder.volumes
    .filter((v) => v.attachments.some((a) => a.serverId === id))
    .sort((a, b) => a.attachments[0]!.device.localeCompare(b.attachments[0]!.device))[index]!.id;
}

beforeAll(async () => {
  cli = await startSandboxCli({
    prepare: (state) => {
      const fs = addSameNameFilesystem(state.array, volumeOf(state, 'web-1', 1).replace(/-/g, ''));
      twin = { id: fs.id, name: fs.name };
      const appVolume = volumeOf(state, 'app-1', 0).replace(/-/g, '');
      state.array.filesystems = state.array.filesystems.filter((f) => f.name !== appVolume);
    },
  });
  webData = cli.volumes('web-1')[1]!;
  appBoot = { volumeId: volumeOf(cli.sandbox.ctx.state, 'app-1', 0) };
});
afterAll(async () => cli?.close());

function snapshotCount(): number {
  return cli.sandbox.ctx.state.array.snapshots.length;
}

function freezeEvents(server: string): number {
  const domain = cli.server(server).instanceName;
  return cli.sandbox.ctx.state.hypervisor.domains.find((d) => d.name === domain)!.events.filter((e) => e.kind === 'freeze').length;
}

describe('an ambiguous or missing filesystem is a coded refusal naming the candidates', () => {
  it('create refuses an instance with an ambiguous member: nothing frozen, nothing snapshotted', async () => {
    const before = snapshotCount();
    const r = await cli.run(['create', 'web-1']);
    expect(r.code).toBe(1);
    const err = cliError(r.stderr)!;
    expect(err.code).toBe('CCSNAP_ARRAY_FS_AMBIGUOUS');
    expect(err.message).toContain('array sandbox');
    expect(err.message).toContain(webData.volumeId);
    expect(err.message).toContain(webData.fsId);
    expect(err.message).toContain(twin.id);
    expect(err.message).toContain(twin.name);
    expect(err.message).toContain('nothing was frozen or snapshotted');
    expect(snapshotCount()).toBe(before);
    expect(freezeEvents('web-1')).toBe(0);
  });

  it('the dry run refuses the same way; with two instances, web-1 alone is refused and db-1 gets its set', async () => {
    const dry = await cli.run(['create', 'web-1', '--dry-run']);
    expect(cliError(dry.stderr)?.code).toBe('CCSNAP_ARRAY_FS_AMBIGUOUS');
    const rows = await cli.run(['create', 'web-1', 'db-1', '-f', 'json']);
    expect(rows.code).toBe(1);
    const byName = Object.fromEntries((JSON.parse(rows.stdout) as Array<Record<string, unknown>>).map((x) => [x['Instance Name'], x]));
    expect(byName['web-1']).toMatchObject({ State: 'error', 'Set ID': null });
    expect(String(byName['web-1']!.Error)).toContain('CCSNAP_ARRAY_FS_AMBIGUOUS');
    expect(byName['db-1']).toMatchObject({ State: 'complete' });
    expect(freezeEvents('web-1')).toBe(0);
  });

  it('the boot volume alone is not ambiguous: --boot-only is allowed', async () => {
    const set = await cli.createSet('web-1', '--boot-only');
    expect(set.members.map((m) => m.volume_id)).toEqual([cli.volumes('web-1')[0]!.volumeId]);
  });

  it('a volume whose filesystem is missing is refused with CCSNAP_ARRAY_FS_NOT_FOUND naming the name looked for', async () => {
    const r = await cli.run(['create', 'app-1']);
    const err = cliError(r.stderr)!;
    expect(err.code).toBe('CCSNAP_ARRAY_FS_NOT_FOUND');
    expect(err.message).toContain(`looked for ${appBoot.volumeId.replace(/-/g, '')}`);
    expect(freezeEvents('app-1')).toBe(0);
  });

  it('instances shows the reason; rollback and delete refuse the ambiguous instance', async () => {
    const rows = await cli.json<Array<{ Name: string; Volumes: Array<{ id: string; reason?: string }> }>>(['instances', 'web-1']);
    expect(rows[0]!.Volumes.find((v) => v.id === webData.volumeId)!.reason).toContain(twin.id);
    const set = cli.sandbox.ctx.state.array.snapshots.at(-1)!;
    const setId = set.name.split('_')[1]!;
    const rb = await cli.run(['rollback', 'web-1', setId, '--yes']);
    expect(cliError(rb.stderr)?.code).toBe('CCSNAP_ARRAY_FS_AMBIGUOUS');
    const del = await cli.run(['delete', 'web-1', setId, '--yes']);
    expect(cliError(del.stderr)?.code).toBe('CCSNAP_ARRAY_FS_AMBIGUOUS');
    expect(cli.sandbox.ctx.state.array.snapshots.at(-1)).toEqual(set);
  });
});
