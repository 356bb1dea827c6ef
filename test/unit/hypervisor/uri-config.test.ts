import { describe, expect, it } from 'vitest';
import { redactUri, uriForHost, validateUriTemplate } from '../../../src/hypervisor/uri.js';
import { parseHypervisorConfig } from '../../../src/hypervisor/config.js';

describe('uriForHost', () => {
  it('fills {host}', () => {
    expect(uriForHost('qemu+ssh://{host}/system', 'compute-1.example.org')).toBe('qemu+ssh://compute-1.example.org/system');
    expect(uriForHost('qemu+tls://{host}:16514/system?no_verify=0', '10.0.0.5')).toBe('qemu+tls://10.0.0.5:16514/system?no_verify=0');
    expect(uriForHost('qemu+ssh://nova@{host}/system?keyfile=/k', '[fd00::1]')).toBe('qemu+ssh://nova@[fd00::1]/system?keyfile=/k');
  });
  it('returns a template without {host} unchanged (the default)', () => {
    expect(uriForHost('qemu:///system', 'anything at all')).toBe('qemu:///system');
  });
  it.each(['a/b', 'x@evil', 'h?q=1', 'a b', 'h;reboot', '$(id)', '', '-oProxyCommand=x', '..'])('refuses host %j', (host) => {
    expect(() => uriForHost('qemu+ssh://{host}/system', host)).toThrowError(expect.objectContaining({ code: 'CCSNAP_HV_BAD_HOST' }));
  });
  it('validates templates', () => {
    expect(() => validateUriTemplate('{host}/system')).toThrowError(expect.objectContaining({ code: 'CCSNAP_HV_CONFIG' }));
    expect(() => validateUriTemplate('qemu+ssh://{hostname}/system')).toThrowError(/unknown placeholder/);
    expect(validateUriTemplate('test:///default')).toBe('test:///default');
  });
  it('redacts a password in the URI', () => {
    expect(redactUri('qemu+ssh://root:secret@h/system')).toBe('qemu+ssh://root:***@h/system');
    expect(redactUri('qemu+ssh://root@h/system')).toBe('qemu+ssh://root@h/system');
  });
});

describe('parseHypervisorConfig', () => {
  it('parses the YAML section', () => {
    expect(
      parseHypervisorConfig({
        uri: 'qemu+ssh://{host}/system',
        virsh: '/usr/bin/virsh',
        agent_timeout: '5s',
        command_timeout: '15s',
        session: 'oneshot',
        env: { A: 1 },
      }),
    ).toEqual({
      uriTemplate: 'qemu+ssh://{host}/system',
      virsh: '/usr/bin/virsh',
      agentTimeoutSec: 5,
      commandTimeoutMs: 15_000,
      session: 'oneshot',
      env: { A: '1' },
    });
  });
  it('has defaults', () => {
    expect(parseHypervisorConfig(undefined)).toEqual({
      uriTemplate: 'qemu:///system',
      virsh: 'virsh',
      agentTimeoutSec: 5,
      commandTimeoutMs: 15_000,
      session: 'persistent',
    });
    expect(parseHypervisorConfig({ agent_timeout: '1500ms', command_timeout: 10 })).toMatchObject({ agentTimeoutSec: 2, commandTimeoutMs: 10_000 });
  });
  it.each([
    [{ session: 'pooled' }, /persistent/],
    [{ agent_timeout: 'soon' }, /duration/],
    [{ agent_timeout: '10s', command_timeout: '5s' }, /longer than agent_timeout/],
    [{ urii: 'x' }, /unknown key/],
    [{ uri: 'nohost' }, /no scheme/],
    ['x', /mapping/],
  ])('refuses %j', (raw, re) => {
    expect(() => parseHypervisorConfig(raw)).toThrowError(re);
  });
});
