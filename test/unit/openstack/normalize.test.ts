import { describe, expect, it } from 'vitest';
import { normalizeServer } from '../../../src/openstack/server-model.js';
import { normalizeVolume, parseCinderBool } from '../../../src/openstack/volume-model.js';
import { exactNameRegex } from '../../../src/openstack/servers.js';
import { extractServiceMessage } from '../../../src/openstack/http-errors.js';
import { redactBody, redactHeaders, redactUrl } from '../../../src/openstack/http-redact.js';

describe('normalizeServer', () => {
  it('maps Nova extended attributes', () => {
    const s = normalizeServer({
      id: 'i',
      name: 'vm1',
      status: 'ACTIVE',
      tenant_id: 'p',
      created: '2026-01-01T00:00:00Z',
      'OS-EXT-SRV-ATTR:host': 'cmp1',
      'OS-EXT-SRV-ATTR:instance_name': 'instance-00000001',
      'os-extended-volumes:volumes_attached': [{ id: 'v1', delete_on_termination: false }, { id: 'v2' }],
      'OS-EXT-STS:task_state': null,
    });
    expect(s).toEqual({
      id: 'i',
      name: 'vm1',
      status: 'ACTIVE',
      host: 'cmp1',
      instanceName: 'instance-00000001',
      projectId: 'p',
      volumeIds: ['v1', 'v2'],
      created: '2026-01-01T00:00:00Z',
      taskState: null,
    });
  });

  it('handles a building server (host null, instance_name "") and a fault', () => {
    const s = normalizeServer({
      id: 'i',
      name: 'b',
      status: 'ERROR',
      'OS-EXT-SRV-ATTR:host': null,
      'OS-EXT-SRV-ATTR:instance_name': '',
      fault: { message: 'No valid host' },
    });
    expect(s.host).toBeNull();
    expect(s.instanceName).toBe('');
    expect(s.volumeIds).toEqual([]);
    expect(s.fault).toBe('No valid host');
  });

  it('escapes names for the Nova regex filter', () => {
    expect(exactNameRegex('db.1 (x)')).toBe('^db\\.1 \\(x\\)$');
  });
});

describe('normalizeVolume', () => {
  it('maps Cinder fields, string booleans and attachments', () => {
    const v = normalizeVolume({
      id: 'v',
      name: null,
      status: 'in-use',
      size: 2,
      volume_type: 'cb-ssd',
      bootable: 'true',
      'os-vol-host-attr:host': 'h@b#p',
      'os-vol-tenant-attr:tenant_id': 'p',
      multiattach: false,
      attachments: [{ id: 'v', attachment_id: 'a', volume_id: 'v', server_id: 's', host_name: 'cmp1', device: '/dev/sdb' }],
    });
    expect(v).toEqual({
      id: 'v',
      name: '',
      status: 'in-use',
      size: 2,
      volumeType: 'cb-ssd',
      bootable: true,
      backendHost: 'h@b#p',
      projectId: 'p',
      multiattach: false,
      attachments: [{ serverId: 's', device: '/dev/sdb', attachmentId: 'a', hostName: 'cmp1' }],
    });
  });

  it('parses Cinder booleans', () => {
    expect([parseCinderBool('true'), parseCinderBool('True'), parseCinderBool(true), parseCinderBool('false'), parseCinderBool(undefined)]).toEqual([
      true,
      true,
      true,
      false,
      false,
    ]);
    expect(normalizeVolume({ id: 'x', bootable: 'false' }).volumeType).toBeNull();
  });
});

describe('service error messages and redaction', () => {
  it('extracts Nova, Cinder, Keystone and plain messages', () => {
    expect(extractServiceMessage({ itemNotFound: { code: 404, message: 'Instance x could not be found.' } })).toBe('Instance x could not be found.');
    expect(extractServiceMessage({ badRequest: { code: 400, message: 'Invalid input' } })).toBe('Invalid input');
    expect(extractServiceMessage({ error: { code: 401, message: 'The request you have made requires authentication.' } })).toContain('requires authentication');
    expect(extractServiceMessage('<html><body><h1>503 Service Unavailable</h1></body></html>')).toBe('503 Service Unavailable');
    expect(extractServiceMessage(null)).toBeUndefined();
  });

  it('redacts headers, bodies and URLs', () => {
    expect(redactHeaders({ 'X-Auth-Token': 't', 'x-subject-token': 's', accept: 'a' })).toEqual({
      'X-Auth-Token': '***',
      'x-subject-token': '***',
      accept: 'a',
    });
    expect(
      redactBody({
        auth: { identity: { password: { user: { name: 'u', password: 'p' } }, token: { id: 't' }, application_credential: { id: 'ac', secret: 's' } } },
      }),
    ).toEqual({
      auth: { identity: { password: { user: { name: 'u', password: '***' } }, token: { id: '***' }, application_credential: { id: 'ac', secret: '***' } } },
    });
    expect(redactUrl('http://u:pw@127.0.0.1/x?token=abc&limit=2')).toBe('http://127.0.0.1/x?token=***&limit=2');
  });
});
