import { describe, expect, it } from 'vitest';
import { DEFAULT_HYPERVISOR_CONFIG } from '../../../src/hypervisor/config.js';
import { parseWatchdogReply, parseWatchdogRequest } from '../../../src/engine/watchdog-parse.js';
import type { WatchdogReply, WatchdogRequest } from '../../../src/engine/watchdog-protocol.js';

const HV = { ...DEFAULT_HYPERVISOR_CONFIG, uriTemplate: 'qemu+ssh://compute-1/system', env: { LIBVIRT_AUTH_FILE: '/etc/ccsnap/auth.conf' } };
const ARM: WatchdogRequest = { op: 'arm', id: 'op-1', domain: 'instance-00000001', host: 'compute-1', hypervisor: HV, guardMs: 600_000, callTimeoutMs: 15_000 };
const line = (value: unknown): string => JSON.stringify(value);

describe('parseWatchdogRequest', () => {
  it('reads every request ccsnap sends, as sent', () => {
    const requests: WatchdogRequest[] = [
      ARM,
      { ...ARM, host: '' },
      { op: 'prepare', domain: 'instance-00000001', host: 'compute-1', hypervisor: DEFAULT_HYPERVISOR_CONFIG },
      { op: 'freezing', id: 'op-1', deadline: 1_790_000_000_000 },
      { op: 'guard', id: 'op-1' },
      { op: 'disarm', id: 'op-1' },
      { op: 'exit' },
      { op: 'ping' },
    ];
    for (const r of requests) expect(parseWatchdogRequest(line(r))).toEqual({ ok: true, message: r });
  });

  it('keeps only the fields of the message (nothing unknown reaches the watchdog)', () => {
    expect(parseWatchdogRequest(line({ op: 'guard', id: 'op-1', extra: 1 }))).toEqual({ ok: true, message: { op: 'guard', id: 'op-1' } });
    const parsed = parseWatchdogRequest(line({ ...ARM, hypervisor: { ...HV, runner: 'x' }, more: true }));
    expect(parsed).toEqual({ ok: true, message: ARM });
  });

  it('refuses a line that is not a message, without an id to answer', () => {
    for (const bad of ['', 'not json', '{', 'null', '42', '"arm"', '[{"op":"ping"}]', '{}', '{"op":7}', '{"op":"reboot"}']) {
      const parsed = parseWatchdogRequest(bad);
      expect(parsed.ok, bad).toBe(false);
      expect(parsed, bad).not.toHaveProperty('id');
    }
    expect(parseWatchdogRequest('{"op":"reboot","id":"op-1"}')).toEqual({ ok: false, problem: 'reboot: unknown op', op: 'reboot', id: 'op-1' });
  });

  it('refuses a request with a missing or mistyped field, naming the field and the request id', () => {
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ ...ARM, domain: undefined }, /^arm: domain must be a non-empty string$/],
      [{ ...ARM, domain: '' }, /domain/],
      [{ ...ARM, guardMs: '600000' }, /guardMs must be a number/],
      [{ ...ARM, guardMs: -1 }, /guardMs/],
      [{ ...ARM, callTimeoutMs: 0 }, /callTimeoutMs must be a number of at least 1/],
      [{ ...ARM, hypervisor: undefined }, /hypervisor config must be an object/],
      [{ ...ARM, hypervisor: { ...HV, session: 'forever' } }, /session/],
      [{ ...ARM, hypervisor: { ...HV, commandTimeoutMs: null } }, /commandTimeoutMs/],
      [{ ...ARM, hypervisor: { ...HV, virsh: 3 } }, /virsh/],
      [{ op: 'freezing', id: 'op-1', deadline: null }, /deadline/],
      [{ op: 'freezing', id: 'op-1' }, /deadline/],
    ];
    for (const [request, problem] of cases) {
      const parsed = parseWatchdogRequest(line(request));
      expect(parsed).toMatchObject({ ok: false, op: request.op, id: 'op-1' });
      expect(!parsed.ok && parsed.problem).toMatch(problem);
    }
    expect(parseWatchdogRequest(line({ op: 'disarm' }))).toEqual({ ok: false, problem: 'disarm: id must be a non-empty string', op: 'disarm' });
  });

  it("never quotes a value in its problem (the hypervisor's env may hold a secret)", () => {
    const parsed = parseWatchdogRequest(line({ ...ARM, hypervisor: { ...HV, env: { LIBVIRT_PASSWORD: 's3cret', N: 1 } } }));
    expect(parsed).toMatchObject({ ok: false, problem: 'arm: hypervisor config: env must map names to strings' });
    expect(JSON.stringify(parsed)).not.toContain('s3cret');
  });
});

describe('parseWatchdogReply', () => {
  const thaw = { why: 'deadline passed', firedAt: 1000, thawSentAt: 1001, thawedAt: 1002, thawedFilesystems: 2, verified: true };

  it('reads every reply the watchdog sends, as sent', () => {
    const replies: WatchdogReply[] = [
      { op: 'ready', pid: 4242 },
      { op: 'armed', id: 'op-1' },
      { op: 'guarding', id: 'op-1' },
      { op: 'disarmed', id: 'op-1' },
      { op: 'disarmed', id: 'op-1', thaw },
      { op: 'disarmed', id: 'op-1', thaw: { ...thaw, thawSentAt: null, thawedAt: null, thawedFilesystems: 0, verified: false } },
      { op: 'pong' },
      { op: 'error', message: 'bad request' },
      { op: 'error', id: 'op-1', message: 'cannot reach instance-00000001 to watch it' },
    ];
    for (const r of replies) expect(parseWatchdogReply(line(r))).toEqual({ ok: true, message: r });
  });

  it('refuses a reply it cannot read', () => {
    for (const bad of ['', '{', '{"op":"armed"}', '{"op":"ready","pid":"1"}', '{"op":"ready","pid":0}', '{"op":"error"}', '{"op":"hello"}']) {
      expect(parseWatchdogReply(bad).ok, bad).toBe(false);
    }
    expect(parseWatchdogReply(line({ op: 'disarmed', id: 'op-1', thaw: { ...thaw, verified: 'yes' } }))).toMatchObject({ ok: false, id: 'op-1' });
    expect(parseWatchdogReply(line({ op: 'disarmed', id: 'op-1', thaw: { ...thaw, thawedAt: '1002' } }))).toMatchObject({ ok: false });
    expect(parseWatchdogReply(line({ op: 'disarmed', id: 'op-1', thaw: null }))).toMatchObject({ ok: false });
  });
});
