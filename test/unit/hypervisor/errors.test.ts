import { describe, expect, it } from 'vitest';
import { CcsnapError } from '../../../src/errors.js';
import { errorLines, freezeMayHaveTakenEffect, mapVirshFailure } from '../../../src/hypervisor/errors.js';

const facts = {
  operation: 'freeze',
  domain: 'instance-00000001',
  uri: 'qemu+ssh://root:pw@compute-1/system',
  argv: ['virsh', '-c', 'qemu+ssh://root:pw@compute-1/system', 'domfsfreeze', '--domain=instance-00000001'],
};
const fail = (stderr: string) => mapVirshFailure({ stdout: '', stderr, exitCode: 1, durationMs: 12.4 }, facts);

describe('mapVirshFailure (texts from libvirt 9.0 + qemu-ga 7.2)', () => {
  const cases: Array<[string, string]> = [
    ['error: Unable to freeze filesystems\nerror: Guest agent is not responding: QEMU guest agent is not connected\n', 'CCSNAP_HV_AGENT_NOT_CONNECTED'],
    ['error: Unable to freeze filesystems\nerror: argument unsupported: QEMU guest agent is not configured\n', 'CCSNAP_HV_AGENT_NOT_CONFIGURED'],
    ['error: Unable to freeze filesystems\nerror: Requested operation is not valid: domain is not running\n', 'CCSNAP_HV_DOMAIN_NOT_RUNNING'],
    ["error: failed to get domain 'instance-00000001'\n", 'CCSNAP_HV_DOMAIN_NOT_FOUND'],
    [
      "error: Unable to freeze filesystems\nerror: internal error: unable to execute QEMU agent command 'guest-fsfreeze-freeze': Command guest-fsfreeze-freeze has been disabled: the agent is in frozen state\n",
      'CCSNAP_HV_ALREADY_FROZEN',
    ],
    ['error: Unable to freeze filesystems\nerror: Guest agent is not responding: Guest agent not available for now\n', 'CCSNAP_HV_AGENT_TIMEOUT'],
    [
      "error: failed to connect to the hypervisor\nerror: Failed to connect socket to '/var/run/libvirt/libvirt-sock': No such file or directory\n",
      'CCSNAP_HV_CONNECTION',
    ],
    [
      'error: failed to connect to the hypervisor\nerror: Cannot recv data: ssh: connect to host 127.0.0.1 port 1: Connection refused: Connection reset by peer\n',
      'CCSNAP_HV_CONNECTION',
    ],
    ["error: unknown command: 'foo'\n", 'CCSNAP_HV_COMMAND'],
    ['error: argument unsupported: specifying mountpoints is not supported\n', 'CCSNAP_HV_COMMAND'],
  ];
  it.each(cases)('%s -> %s', (stderr, code) => {
    const err = fail(stderr);
    expect(err).toBeInstanceOf(CcsnapError);
    expect(err.code).toBe(code);
    expect(err.message).not.toContain('\n');
  });

  it('keeps the facts like a CommandError, with the URI password redacted', () => {
    const err = fail("error: failed to get domain 'instance-00000001'\n");
    expect(err.details).toMatchObject({
      operation: 'freeze',
      command: ['virsh', '-c', 'qemu+ssh://root:***@compute-1/system', 'domfsfreeze', '--domain=instance-00000001'],
      exitCode: 1,
      stderr: "error: failed to get domain 'instance-00000001'",
      durationMs: 12,
      uri: 'qemu+ssh://root:***@compute-1/system',
      domain: 'instance-00000001',
    });
    expect(JSON.stringify(err.details)).not.toContain(':pw@');
  });

  it('extracts error lines', () => {
    expect(errorLines('x\nerror: a\nerror: b \n')).toEqual(['a', 'b']);
  });
});

describe('freezeMayHaveTakenEffect', () => {
  it('is false only when the freeze certainly did not reach the agent', () => {
    expect(freezeMayHaveTakenEffect(new CcsnapError('CCSNAP_HV_DOMAIN_NOT_RUNNING', 'x'))).toBe(false);
    expect(freezeMayHaveTakenEffect(new CcsnapError('CCSNAP_HV_AGENT_NOT_CONFIGURED', 'x'))).toBe(false);
    expect(freezeMayHaveTakenEffect(new CcsnapError('CCSNAP_HV_AGENT_TIMEOUT', 'x'))).toBe(true);
    expect(freezeMayHaveTakenEffect(new CcsnapError('CCSNAP_HV_TIMEOUT', 'x'))).toBe(true);
    expect(freezeMayHaveTakenEffect(new CcsnapError('CCSNAP_HV_ALREADY_FROZEN', 'x'))).toBe(true);
    expect(freezeMayHaveTakenEffect(new Error('?'))).toBe(true);
    expect(freezeMayHaveTakenEffect(new CcsnapError('CCSNAP_HV_TIMEOUT', 'x', { details: { mayBeFrozen: false } }))).toBe(false);
  });
});
