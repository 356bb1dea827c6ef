import { describe, expect, it } from 'vitest';
import { formatVirshLine, parseVirshLine, quoteVirshArg } from '../../../src/hypervisor/virsh-quote.js';
import { parseAgentReply, parseDomState, parseFilesystemCount, parseFsInfo } from '../../../src/hypervisor/parse.js';

const NASTY = [
  'plain',
  'with space',
  "it's",
  'a"b',
  'semi;colon',
  '#hash',
  'back\\slash',
  '$(reboot)',
  '`id`',
  '--help',
  "'",
  '"',
  '',
  ' lead',
  'tab\there',
  'ünïcødé',
  "x'; destroy --domain=y; echo '",
];

describe('virsh stdin quoting', () => {
  it.each(NASTY)('round-trips %j as one argument', (arg) => {
    expect(parseVirshLine(formatVirshLine(['domfsfreeze', `--domain=${arg}`]))).toEqual([['domfsfreeze', `--domain=${arg}`]]);
  });
  it('quotes every argument', () => {
    expect(quoteVirshArg("it's")).toBe("'it'\\''s'");
    expect(formatVirshLine(['domstate', '--domain=a b'])).toBe("'domstate' '--domain=a b'");
  });
  it.each(['a\nb', 'a\rb', 'a\0b'])('refuses %j (cannot be carried on one line)', (arg) => {
    expect(() => quoteVirshArg(arg)).toThrowError(expect.objectContaining({ code: 'CCSNAP_HV_BAD_ARGUMENT' }));
  });
  it('parses like virsh: ; splits commands, # starts a comment, quotes and escapes', () => {
    expect(parseVirshLine(`echo a "b c" 'd;e' f\\ g; domstate x # comment`)).toEqual([
      ['echo', 'a', 'b c', 'd;e', 'f g'],
      ['domstate', 'x'],
    ]);
    expect(() => parseVirshLine("echo 'open")).toThrow();
  });
});

describe('virsh output parsers', () => {
  it('counts filesystems', () => {
    expect(parseFilesystemCount('Froze 2 filesystem(s)\n\n', 'Froze')).toBe(2);
    expect(parseFilesystemCount('Thawed 0 filesystem(s)\n\n', 'Thawed')).toBe(0);
    expect(parseFilesystemCount('garbage', 'Thawed')).toBeUndefined();
  });
  it('parses domfsinfo by header offsets', () => {
    const out =
      ' Mountpoint   Name   Type   Target\n------------------------------------\n /            vda1   ext4   vda\n /boot        vda2   ext4   vda\n\n';
    expect(parseFsInfo(out)).toEqual([
      { mountpoint: '/', name: 'vda1', type: 'ext4', target: 'vda' },
      { mountpoint: '/boot', name: 'vda2', type: 'ext4', target: 'vda' },
    ]);
    const spaced = ' Mountpoint      Name   Type   Target\n---------------------------------------\n /mnt/my data    vdb    xfs    vdb,vdc\n';
    expect(parseFsInfo(spaced)).toEqual([{ mountpoint: '/mnt/my data', name: 'vdb', type: 'xfs', target: 'vdb,vdc' }]);
    expect(parseFsInfo('')).toEqual([]);
  });
  it('parses agent replies and domstate', () => {
    expect(parseAgentReply('{"return":"frozen"}\n\n')).toBe('frozen');
    expect(parseDomState('running\n\n')).toBe('running');
    expect(parseDomState('shut off (destroyed)\n\n')).toBe('shut off');
  });
});
