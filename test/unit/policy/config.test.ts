import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadSettings } from '../../../src/config.js';
import { CcsnapError } from '../../../src/errors.js';
import { parsePolicies, type CreateDefaults } from '../../../src/policy/parse.js';

const DEFAULTS: CreateDefaults = { freeze: 'required', maxFreezeMs: 10_000, perHost: 2, concurrency: 8 };
const NOW = new Date('2026-06-01T00:00:00Z');
const WEBHOOK = 'https://hooks.example.test/services/T000/B000/secret-token';

const MINIMAL = { name: 'nightly', instances: { names: ['db-*'] }, schedule: '0 2 * * *', retention: { daily: 7 } };

function parse(entries: unknown): ReturnType<typeof parsePolicies> {
  return parsePolicies(entries, DEFAULTS, NOW);
}

/** The error's code and message for one policy entry (the minimal one with `over` applied). */
function refusal(over: Record<string, unknown>, drop: string[] = []): string {
  const entry: Record<string, unknown> = { ...MINIMAL, ...over };
  for (const k of drop) delete entry[k];
  try {
    parse([entry]);
  } catch (err) {
    expect(err).toBeInstanceOf(CcsnapError);
    return `${(err as CcsnapError).code} ${(err as Error).message}`;
  }
  return 'accepted';
}

describe('policies in the ccsnap config', () => {
  it('parses the example of issue 15', () => {
    const [p] = parse([
      {
        name: 'hourly-web',
        instances: { names: ['web-*'], projects: ['admin'], metadata: { 'ccsnap-policy': 'hourly' } },
        schedule: '0 * * * *',
        timezone: 'Europe/Berlin',
        retention: { keep_last: 3, hourly: 24, daily: 7, weekly: 4, monthly: 6, yearly: 1 },
        create: { freeze: 'required', max_freeze: '10s', per_host: 2 },
        missed: 'run-once',
        spread: '10m',
        notify: { webhook: WEBHOOK, on: ['failure', 'recovery'] },
      },
    ]);
    expect(p).toEqual({
      name: 'hourly-web',
      instances: { names: ['web-*'], projects: ['admin'], metadata: { 'ccsnap-policy': 'hourly' } },
      schedule: '0 * * * *',
      timezone: 'Europe/Berlin',
      retention: { keepLast: 3, hourly: 24, daily: 7, weekly: 4, monthly: 6, yearly: 1 },
      create: { freeze: 'required', maxFreezeMs: 10_000, perHost: 2, concurrency: 8, bootOnly: false },
      missed: 'run-once',
      spreadMs: 600_000,
      notify: { webhook: WEBHOOK, on: ['failure', 'recovery'] },
    });
  });

  it("fills the defaults: UTC, run-once, no spread, no notify, the cloud's create settings", () => {
    const [p] = parse([MINIMAL]);
    expect(p).toMatchObject({ timezone: 'UTC', missed: 'run-once', spreadMs: 0, notify: null, create: { ...DEFAULTS, bootOnly: false } });
    expect(p!.retention).toEqual({ keepLast: 0, hourly: 0, daily: 7, weekly: 0, monthly: 0, yearly: 0 });
  });

  it("lays the policy's create settings over the cloud's", () => {
    const [p] = parse([{ ...MINIMAL, create: { freeze: 'best-effort', concurrency: 32, boot_only: true } }]);
    expect(p!.create).toEqual({ freeze: 'best-effort', maxFreezeMs: 10_000, perHost: 2, concurrency: 32, bootOnly: true });
  });

  it('takes notify.on as failure and recovery by default; metadata scalars as text', () => {
    const [p] = parse([{ ...MINIMAL, instances: { metadata: { backup: true, tier: 3 } }, notify: { webhook: 'http://127.0.0.1:9000/hook' } }]);
    expect(p!.notify).toEqual({ webhook: 'http://127.0.0.1:9000/hook', on: ['failure', 'recovery'] });
    expect(p!.instances).toEqual({ metadata: { backup: 'true', tier: '3' } });
  });

  it('has none when the section is absent', () => {
    expect(parse(undefined)).toEqual([]);
    expect(parse(null)).toEqual([]);
  });
});

describe('policy config refusals: one line with the code, the policy and the field', () => {
  const cases: Array<[string, Record<string, unknown>, string[], string]> = [
    [
      'unknown key',
      { retain: 3 },
      [],
      'policy nightly: unknown key retain (known: name, instances, schedule, timezone, retention, create, missed, spread, notify)',
    ],
    [
      'unknown retention key',
      { retention: { dayly: 7 } },
      [],
      'policy nightly: retention has unknown key dayly (known: keep_last, hourly, daily, weekly, monthly, yearly)',
    ],
    [
      'unknown create key',
      { create: { max_freez: '5s' } },
      [],
      'policy nightly: create has unknown key max_freez (known: freeze, max_freeze, per_host, concurrency, boot_only)',
    ],
    ['unknown instances key', { instances: { name: ['x'] } }, [], 'policy nightly: instances has unknown key name (known: names, projects, metadata)'],
    ['bad cron', { schedule: '61 * * * *' }, [], 'policy nightly: schedule "61 * * * *" is not a valid cron expression (Invalid value for minute: 61)'],
    [
      'six fields',
      { schedule: '0 0 2 * * *' },
      [],
      'policy nightly: schedule "0 0 2 * * *" is not a 5-field cron expression (minute hour day-of-month month day-of-week) or @hourly, @daily, @weekly, @monthly, @yearly',
    ],
    ['never', { schedule: '0 0 30 2 *' }, [], 'policy nightly: schedule "0 0 30 2 *" never occurs'],
    ['schedule not a string', { schedule: 5 }, [], 'policy nightly: schedule must be a non-empty string'],
    ['no schedule', {}, ['schedule'], 'policy nightly: schedule is required (a cron expression, e.g. "0 * * * *")'],
    ['bad zone', { timezone: 'Europe/Berlyn' }, [], 'policy nightly: timezone "Europe/Berlyn" is not an IANA time zone (e.g. UTC, Europe/Berlin)'],
    ['offset zone', { timezone: '+02:00' }, [], 'policy nightly: timezone "+02:00" is not an IANA time zone (e.g. UTC, Europe/Berlin)'],
    ['spread without unit', { spread: 600 }, [], 'policy nightly: spread must be a duration with a unit (ms, s, m, h, d, w), e.g. 10s or 10m, from 0s to 24h'],
    ['spread bare text', { spread: '600' }, [], 'policy nightly: spread must be a duration with a unit (ms, s, m, h, d, w), e.g. 10s or 10m, from 0s to 24h'],
    [
      'spread too long',
      { schedule: '0 * * * *', spread: '1h' },
      [],
      'policy nightly: spread 1h is not shorter than the 1h between two occurrences of the schedule',
    ],
    [
      'max_freeze without unit',
      { create: { max_freeze: 10 } },
      [],
      'policy nightly: create.max_freeze must be a duration with a unit (ms, s, m, h, d, w), e.g. 10s or 10m, above 0 and at most 300s',
    ],
    ['max_freeze too long', { create: { max_freeze: '6m' } }, [], 'policy nightly: create.max_freeze must be above 0 and at most 300s'],
    ['max_freeze zero', { create: { max_freeze: '0s' } }, [], 'policy nightly: create.max_freeze must be above 0 and at most 300s'],
    ['bad freeze', { create: { freeze: 'maybe' } }, [], 'policy nightly: create.freeze must be required, best-effort or skip'],
    ['bad per_host', { create: { per_host: 65 } }, [], 'policy nightly: create.per_host must be a whole number from 1 to 64'],
    ['bad concurrency', { create: { concurrency: 0 } }, [], 'policy nightly: create.concurrency must be a whole number from 1 to 256'],
    ['bad boot_only', { create: { boot_only: 'yes' } }, [], 'policy nightly: create.boot_only must be true or false'],
    ['negative count', { retention: { daily: -1 } }, [], 'policy nightly: retention.daily must be a whole number from 0 to 10000'],
    ['fractional count', { retention: { keep_last: 1.5 } }, [], 'policy nightly: retention.keep_last must be a whole number from 0 to 10000'],
    [
      'keeps nothing',
      { retention: { daily: 0 } },
      [],
      'policy nightly: retention must keep something: give at least one of keep_last, hourly, daily, weekly, monthly, yearly above 0',
    ],
    ['no retention', {}, ['retention'], 'policy nightly: retention is required (keep_last, hourly, daily, weekly, monthly, yearly)'],
    ['retention not a mapping', { retention: [7] }, [], 'policy nightly: retention must be a mapping'],
    ['bad missed', { missed: 'catch-up' }, [], 'policy nightly: missed must be run-once or skip'],
    ['no instances', {}, ['instances'], 'policy nightly: instances is required (names, projects and/or metadata)'],
    ['empty instances', { instances: {} }, [], 'policy nightly: instances must give names, projects or metadata'],
    ['empty names', { instances: { names: [] } }, [], 'policy nightly: instances.names must be a non-empty list'],
    ['names not strings', { instances: { names: ['web-*', 3] } }, [], 'policy nightly: instances.names[1] must be a non-empty string'],
    ['bad glob', { instances: { names: ['web-[z-a]'] } }, [], 'policy nightly: instances.names[0] "web-[z-a]" is not a valid glob'],
    ['metadata list', { instances: { metadata: { tier: ['a'] } } }, [], 'policy nightly: instances.metadata.tier must be a string'],
    ['empty metadata', { instances: { metadata: {} } }, [], 'policy nightly: instances.metadata must not be empty'],
    ['no webhook', { notify: { on: ['failure'] } }, [], 'policy nightly: notify.webhook is required'],
    ['bad event', { notify: { webhook: WEBHOOK, on: ['failure', 'always'] } }, [], 'policy nightly: notify.on[1] must be failure, recovery, missed or success'],
    ['repeated event', { notify: { webhook: WEBHOOK, on: ['failure', 'failure'] } }, [], 'policy nightly: notify.on names an event twice'],
    [
      'plain http webhook',
      { notify: { webhook: 'http://hooks.example.test/secret-token' } },
      [],
      'policy nightly: notify.webhook must be https:// (plain http:// only to a loopback host)',
    ],
    [
      'webhook with password',
      { notify: { webhook: 'https://user:secret-token@hooks.example.test/x' } },
      [],
      'policy nightly: notify.webhook must not carry a user or password',
    ],
    [
      'webhook not a url',
      { notify: { webhook: 'hooks/secret-token' } },
      [],
      'policy nightly: notify.webhook is not a valid URL (it is not repeated here: it may hold a token)',
    ],
  ];
  for (const [what, over, drop, message] of cases) {
    it(what, () => {
      expect(refusal(over, drop)).toBe(`CCSNAP_POLICY_CONFIG ${message}`);
    });
  }

  it('never repeats a webhook URL (it may hold a token)', () => {
    for (const [, over, drop] of cases) expect(refusal(over, drop)).not.toContain('secret-token');
  });

  it('names the entry by position while its name is missing or bad', () => {
    expect(() => parse([MINIMAL, { ...MINIMAL, name: undefined }])).toThrow('policies[1]: name is required');
    expect(() => parse([{ ...MINIMAL, name: 'has space' }])).toThrow(
      'policies[0]: name must be 1-32 characters: letters, digits, "-" and "_", starting with a letter or digit',
    );
    expect(() => parse([{ ...MINIMAL, name: 'a@b' }])).toThrow('policies[0]: name must be');
    expect(() => parse([{ ...MINIMAL, name: 'x'.repeat(33) }])).toThrow('policies[0]: name must be');
    expect(() => parse(['nightly'])).toThrow('policies[0]: must be a mapping');
  });

  it('refuses a repeated name and a section that is not a list', () => {
    expect(() => parse([MINIMAL, MINIMAL])).toThrow('policy nightly: name is given twice: policy names must be unique');
    expect(() => parse({ nightly: MINIMAL })).toThrow('policies: must be a list of policies');
  });
});

describe('policies through loadSettings (YAML, per cloud)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ccsnap-policy-config-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("reads a cloud's policies with its create settings, and none for another cloud", async () => {
    const file = join(dir, 'ccsnap.yaml');
    writeFileSync(
      file,
      [
        'clouds:',
        '  prod:',
        '    create: { max_freeze: 5s, per_host: 4 }',
        '    policies:',
        '      - name: hourly-web',
        '        instances: { names: ["web-*"] }',
        '        schedule: "0 * * * *"',
        '        timezone: Europe/Berlin',
        '        retention: { keep_last: 3, hourly: 24 }',
        '        spread: 10m',
        '  lab: {}',
        '',
      ].join('\n'),
    );
    const prod = await loadSettings({ file, cloudName: 'prod', env: {} });
    expect(prod.policies.map((p) => [p.name, p.create.maxFreezeMs, p.create.perHost, p.spreadMs])).toEqual([['hourly-web', 5000, 4, 600_000]]);
    expect((await loadSettings({ file, cloudName: 'lab', env: {} })).policies).toEqual([]);
  });

  it('fails the whole config on a bad policy, with the coded one-line error', async () => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'policies:\n  - name: p\n    instances: { names: [a] }\n    schedule: "0 * * *"\n    retention: { daily: 1 }\n');
    await expect(loadSettings({ file, cloudName: 'x', env: {} })).rejects.toMatchObject({
      code: 'CCSNAP_POLICY_CONFIG',
      message: expect.stringMatching(/^policy p: schedule "0 \* \* \*" is not a 5-field/),
    });
  });
});
