import { describe, expect, it } from 'vitest';
import { scanArgv } from '../../../src/cli/argv.js';
import { cloudOverrides, resolveGlobals } from '../../../src/cli/globals.js';
import { createLogger, levelFor } from '../../../src/cli/logger.js';
import { redact, redactUrl } from '../../../src/cli/redact.js';
import { renderError } from '../../../src/cli/render-error.js';
import { checkLoopbackUrl } from '../../../src/cli/sandbox-control.js';
import { defaultStatePath } from '../../../src/cli/sandbox-paths.js';
import { sandboxCloudEntry } from '../../../src/sandbox-entry.js';
import { headerText } from '../../../src/cli/http-debug.js';
import { CcsnapError, UsageError } from '../../../src/errors.js';
import { Capture } from './helpers.js';

describe('scanArgv', () => {
  it('finds the command after global options, skipping their values', () => {
    expect(scanArgv(['--os-cloud', 'list', '-v', 'sandbox', 'faults', 'add', '--url', 'x']).words).toEqual(['sandbox', 'faults', 'add']);
    expect(scanArgv(['--os-cloud=prod', 'list', 'extra']).words).toEqual(['list']);
    expect(scanArgv(['nope', 'list']).words).toEqual([]);
  });
  it('rewrites `help X` to `X --help`, but not an operand named help', () => {
    expect(scanArgv(['help', 'sandbox', 'serve'])).toEqual({ words: ['sandbox', 'serve'], argv: ['sandbox', 'serve', '--help'] });
    expect(scanArgv(['sandbox', 'help', 'reset']).argv).toEqual(['sandbox', 'reset', '--help']);
    expect(scanArgv(['show', 'help'])).toEqual({ words: ['show'], argv: ['show', 'help'] });
  });
});

describe('resolveGlobals', () => {
  it('keeps OS_* flags only (resolveCloud reads OS_*), and defaults config/journal from CCSNAP_*', () => {
    const env = { OS_CLOUD: 'envcloud', OS_REGION_NAME: 'R2', CCSNAP_JOURNAL: '/j.db', CCSNAP_CONFIG: '' };
    const g = resolveGlobals({ osCloud: 'flagcloud', verbose: 2, timeout: 5, insecure: true }, env);
    expect(g).toEqual({ osCloud: 'flagcloud', journal: '/j.db', insecure: true, sandbox: false, debug: false, verbose: 2, quiet: false, timeout: 5 });
    expect(resolveGlobals({ journal: '/flag.db' }, env).journal).toBe('/flag.db');
  });
  it('turns flags into resolveCloud overrides', () => {
    const g = resolveGlobals({ osCloud: 'c', osRegionName: 'R', osInterface: 'internal', osCacert: '/ca', insecure: true, osAuthUrl: 'https://k' }, {});
    expect(cloudOverrides(g)).toEqual({ cloud: 'c', region: 'R', interface: 'internal', cacert: '/ca', insecure: true, authUrl: 'https://k' });
    expect(cloudOverrides(resolveGlobals({}, { OS_CLOUD: 'x' }))).toEqual({});
  });
});

describe('logger', () => {
  it('maps -q/-v/--debug to levels', () => {
    expect(levelFor({ quiet: true, verbose: 0, debug: false })).toBe('error');
    expect(levelFor({ quiet: false, verbose: 0, debug: false })).toBe('warn');
    expect(levelFor({ quiet: false, verbose: 1, debug: false })).toBe('info');
    expect(levelFor({ quiet: false, verbose: 2, debug: false })).toBe('debug');
    expect(levelFor({ quiet: true, verbose: 0, debug: true })).toBe('debug');
  });
  it('filters by level and redacts fields', () => {
    const out = new Capture();
    const log = createLogger('warn', out);
    log.info('hidden');
    log.warn('slow array', { apiKey: 'k', ms: 1200, note: 'two words' });
    expect(out.text).toBe('ccsnap: warning: slow array apiKey=*** ms=1200 note="two words"\n');
  });
});

describe('redaction', () => {
  it('hides secret keys deeply and secret query parameters', () => {
    expect(redact({ auth: { password: 'p', username: 'u' }, 'X-Auth-Token': 't', list: [{ secret: 's' }] })).toEqual({
      auth: { password: '***', username: 'u' },
      'X-Auth-Token': '***',
      list: [{ secret: '***' }],
    });
    expect(redactUrl('http://127.0.0.1:1/client/api?command=listTsm&apikey=abc&response=json')).toBe(
      'http://127.0.0.1:1/client/api?command=listTsm&apikey=***&response=json',
    );
    expect(redactUrl('http://user:pw@127.0.0.1/')).toBe('http://user:***@127.0.0.1/');
  });
  it('hides secret headers in undici header lists', () => {
    expect(headerText(['x-auth-token', 'gAAA', 'accept', 'application/json'])).toBe('x-auth-token: ***; accept: application/json');
    expect(headerText('X-Auth-Token: gAAA\r\nAccept: */*\r\n')).toBe('X-Auth-Token: ***; Accept: */*');
  });
});

describe('renderError', () => {
  it('renders one line with the code and the exit code of the error', () => {
    expect(renderError(new UsageError('bad'), false)).toEqual({ text: 'ccsnap: error: bad [CCSNAP_USAGE]\n', exitCode: 2 });
    expect(renderError(new CcsnapError('CCSNAP_INTERNAL', 'multi\nline'), false)).toEqual({
      text: 'ccsnap: error: multi line [CCSNAP_INTERNAL]\n',
      exitCode: 1,
    });
    expect(renderError('a string', false)).toEqual({ text: 'ccsnap: error: a string [CCSNAP_INTERNAL]\n', exitCode: 1 });
  });
  it("adds the CLI's hint for the code (the flag or command that helps) on the same line", () => {
    const partial = new CcsnapError('CCSNAP_ROLLBACK_PARTIAL_SET', 'set s does not cover all array volumes of web-1 (missing v2); nothing was changed');
    expect(renderError(partial, false).text).toBe(
      'ccsnap: error: set s does not cover all array volumes of web-1 (missing v2); nothing was changed; add --partial to roll back only the covered ones [CCSNAP_ROLLBACK_PARTIAL_SET]\n',
    );
    const newer = (listed: boolean) => renderError(new CcsnapError('CCSNAP_NEWER_SNAPSHOTS', 'would destroy', { details: { newer: [], listed } }), false).text;
    expect(newer(true)).toBe('ccsnap: error: would destroy; add --discard-newer to accept [CCSNAP_NEWER_SNAPSHOTS]\n');
    expect(newer(false)).toBe('ccsnap: error: would destroy; add --discard-newer to accept (--debug lists every path) [CCSNAP_NEWER_SNAPSHOTS]\n');
    const noCloud = new CcsnapError('CCSNAP_CONFIG_MISSING_AUTH', 'no cloud selected', { details: { knownClouds: [] } });
    expect(renderError(noCloud, false).text).toContain('no cloud selected; use --os-cloud');
    const lacking = new CcsnapError('CCSNAP_CONFIG_MISSING_AUTH', 'cloud "lab" (password) is missing password', { details: { missing: ['password'] } });
    expect(renderError(lacking, false).text).toBe('ccsnap: error: cloud "lab" (password) is missing password [CCSNAP_CONFIG_MISSING_AUTH]\n');
  });

  it('adds details and stacks of the error and its causes with debug', () => {
    const err = new CcsnapError('CCSNAP_INTERNAL', 'outer', { details: { volume: 'v1' }, cause: new Error('inner') });
    const { text } = renderError(err, true);
    expect(text).toContain('details: {"volume":"v1"}\n');
    expect(text).toContain('CcsnapError: outer\n');
    expect(text).toContain('caused by: Error: inner\n');
  });
});

describe('sandbox helpers', () => {
  it('defaults the state file under XDG_STATE_HOME or ~/.local/state, or CCSNAP_SANDBOX_DIR', () => {
    expect(defaultStatePath({ CCSNAP_SANDBOX_DIR: '/s' })).toBe('/s/state.json');
    expect(defaultStatePath({ XDG_STATE_HOME: '/x' })).toBe('/x/ccsnap/sandbox/state.json');
    expect(defaultStatePath({ HOME: '/h' })).toBe('/h/.local/state/ccsnap/sandbox/state.json');
  });
  it('accepts only loopback http URLs for the control API', () => {
    expect(checkLoopbackUrl('http://127.0.0.1:8080/')).toBe('http://127.0.0.1:8080');
    expect(() => checkLoopbackUrl('http://192.168.1.1:8080')).toThrow(UsageError);
    expect(() => checkLoopbackUrl('https://127.0.0.1:8080')).toThrow(UsageError);
    expect(() => checkLoopbackUrl('nonsense')).toThrow(UsageError);
  });
  it('builds the clouds.yaml entry', () => {
    expect(sandboxCloudEntry('http://127.0.0.1:9')).toMatchObject({
      auth: { auth_url: 'http://127.0.0.1:9/identity/v3', username: 'admin', password: 'sandbox', project_name: 'admin' },
      region_name: 'RegionOne',
    });
  });
});
