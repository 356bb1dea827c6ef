import { describe, expect, it } from 'vitest';
import { parseOptions } from '../../../src/sandbox/hypervisor/options.js';
import { formatTable } from '../../../src/sandbox/hypervisor/table.js';
import { settle } from '../../../src/sandbox/hypervisor/model.js';
import type { SandboxDomain } from '../../../src/sandbox/state.js';

describe('sandbox virsh option parsing (virsh rules)', () => {
  it('accepts positional, --opt value and --opt=value forms', () => {
    expect(parseOptions('domfsfreeze', ['dom', '/a', '--mountpoint', '/b', '--mountpoint=/c'])).toEqual({
      opts: { domain: 'dom', mountpoint: ['/a', '/b', '/c'] },
    });
    expect(parseOptions('domstate', ['--reason', '--domain=--help'])).toEqual({ opts: { reason: true, domain: '--help' } });
    expect(parseOptions('qemu-agent-command', ['d', '--timeout', '3', '{"execute":"guest-ping"}'])).toEqual({
      opts: { domain: 'd', timeout: 3, cmd: ['{"execute":"guest-ping"}'] },
    });
  });
  it('answers with virsh error texts', () => {
    expect(parseOptions('domfsfreeze', [])).toEqual({ error: "command 'domfsfreeze' requires <domain> option" });
    expect(parseOptions('domfsfreeze', ['d', '--bogus'])).toEqual({ error: "command 'domfsfreeze' doesn't support option --bogus" });
    expect(parseOptions('domstate', ['a', 'b'])).toEqual({ error: "unexpected data 'b'" });
    expect(parseOptions('nope', [])).toEqual({ error: "unknown command: 'nope'" });
    expect(parseOptions('guest-agent-timeout', ['d', '--timeout', 'x'])).toEqual({
      error: "Numeric value 'x' for <timeout> option is malformed or out of range",
    });
  });
});

describe('sandbox virsh table and auto-thaw', () => {
  it('lays out tables like vshTable', () => {
    expect(
      formatTable(
        ['Id', 'Name', 'State'],
        [
          ['1', 'ccsnap-realvm', 'running'],
          ['-', 'ccsnap-realvm-stopped', 'shut off'],
        ],
      ),
    ).toBe(
      ' Id   Name                    State\n----------------------------------------\n 1    ccsnap-realvm           running\n -    ccsnap-realvm-stopped   shut off\n\n',
    );
  });
  it('stamps an auto-thaw at the moment it fell due', () => {
    const d: SandboxDomain = {
      name: 'w',
      host: 'h',
      state: 'running',
      agent: 'ok',
      freezeDelayMs: 0,
      autoThawMs: 10_000,
      frozen: true,
      frozenSince: 1000,
      mountpoints: [],
      events: [],
    };
    settle(d, 5000);
    expect(d.frozen).toBe(true);
    settle(d, 60_000);
    expect(d.frozen).toBe(false);
    expect(d.events).toEqual([{ at: 11_000, kind: 'auto-thaw', detail: 'agent thawed by itself after 10000 ms' }]);
  });
});
