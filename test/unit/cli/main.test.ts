import { describe, expect, it } from 'vitest';
import { run, start, waitFor } from './helpers.js';

describe('ccsnap main: output', () => {
  it('prints a list command as JSON with -f json -c', async () => {
    const r = await run(['_echo', '-f', 'json', '-c', 'Name']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual([{ Name: 'web-1' }, { Name: 'db "primary", 1' }, { Name: 'app-1' }]);
    expect(r.stderr).toBe('');
  });
  it('accepts global options before and after the command', async () => {
    const r = await run(['--os-cloud', 'x', '_echo', '-f', 'value', '-c', 'Size', '--timeout', '5', '-q']);
    expect(r).toEqual({ code: 0, stdout: '20\n120\n\n', stderr: '' });
  });
  it('uses the exit code a command returns', async () => {
    expect((await run(['_echo', '--exit', '3', '-f', 'value'])).code).toBe(3);
  });
  it('prints a show command as shell variables', async () => {
    const r = await run(['_echo-show', '-f', 'shell', '-c', 'name', '--prefix', 'S_']);
    expect(r).toEqual({ code: 0, stdout: 'S_name="web-1"\n', stderr: '' });
  });
  it('prints --version', async () => {
    expect(await run(['--version'])).toEqual({ code: 0, stdout: 'ccsnap 0.1.0\n', stderr: '' });
  });
  it('lists commands in --help with their summaries, but not hidden ones', async () => {
    const r = await run(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/create\s+Take a crash-consistent snapshot set/);
    expect(r.stdout).toMatch(/sandbox\s+Run and control the built-in sandbox cloud/);
    expect(r.stdout).toContain('--os-cloud <name>');
    expect(r.stdout).not.toContain('_echo');
  });
  it('shows a command help with `help COMMAND` and `COMMAND --help`', async () => {
    const viaHelp = await run(['help', '_echo']);
    const viaFlag = await run(['_echo', '--help']);
    expect(viaHelp.code).toBe(0);
    expect(viaHelp.stdout).toContain('Usage: ccsnap _echo [options]');
    expect(viaHelp.stdout).toContain('-c, --column <column>');
    expect(viaHelp.stdout).toBe(viaFlag.stdout);
    const nested = await run(['help', 'sandbox', 'faults']);
    expect(nested.stdout).toContain('Usage: ccsnap sandbox faults');
  });
});

describe('ccsnap main: errors and exit codes', () => {
  const oneLine = (s: string): void => expect(s.split('\n').filter(Boolean)).toHaveLength(1);

  it('prints a CcsnapError as one line with its code, exit 1', async () => {
    const r = await run(['_echo', '--fail', 'ccsnap']);
    expect(r).toEqual({ code: 1, stdout: '', stderr: 'ccsnap: error: echo failed as asked [CCSNAP_ECHO_FAILED]\n' });
  });
  it('adds redacted details and the stack with --debug', async () => {
    const r = await run(['--debug', '_echo', '--fail', 'ccsnap']);
    expect(r.code).toBe(1);
    const lines = r.stderr.split('\n');
    expect(lines[0]).toBe('ccsnap: error: echo failed as asked [CCSNAP_ECHO_FAILED]');
    expect(lines[1]).toBe('details: {"token":"***","instance":"web-1"}');
    expect(r.stderr).toContain('CcsnapError: echo failed as asked\n    at ');
    expect(r.stderr).not.toContain('tok-secret');
  });
  it('exits 2 for a UsageError', async () => {
    const r = await run(['_echo', '--fail', 'usage']);
    expect(r).toEqual({ code: 2, stdout: '', stderr: 'ccsnap: error: bad usage for testing [CCSNAP_USAGE]\n' });
  });
  it('prints an unknown exception as one line without a stack, exit 1', async () => {
    const r = await run(['_echo', '--fail', 'crash']);
    expect(r).toEqual({ code: 1, stdout: '', stderr: 'ccsnap: error: unexpected crash for testing [CCSNAP_INTERNAL]\n' });
  });
  it('exits 2 with one line for an unknown command', async () => {
    const r = await run(['bogus']);
    expect(r.code).toBe(2);
    oneLine(r.stderr);
    expect(r.stderr).toBe("ccsnap: error: unknown command 'bogus' [CCSNAP_USAGE]\n");
  });
  it('keeps commander suggestions on the same line', async () => {
    const r = await run(['lst']);
    expect(r).toEqual({ code: 2, stdout: '', stderr: "ccsnap: error: unknown command 'lst' (Did you mean list?) [CCSNAP_USAGE]\n" });
  });
  it('exits 2 with one line for an unknown option or a bad choice', async () => {
    const unknown = await run(['_echo', '--bogus']);
    expect(unknown).toEqual({ code: 2, stdout: '', stderr: "ccsnap: error: unknown option '--bogus' [CCSNAP_USAGE]\n" });
    const choice = await run(['_echo', '-f', 'shell']);
    expect(choice.code).toBe(2);
    oneLine(choice.stderr);
    expect(choice.stderr).toContain("argument 'shell' is invalid");
    const timeout = await run(['--timeout', 'soon', '_echo']);
    expect(timeout.code).toBe(2);
    oneLine(timeout.stderr);
  });
  it('exits 2 listing the valid columns for an unknown -c', async () => {
    const r = await run(['_echo', '-c', 'Nope']);
    expect(r).toEqual({
      code: 2,
      stdout: '',
      stderr: "ccsnap: error: no such column: 'Nope' (valid: ID, Name, Status, Size, Volumes, Metadata) [CCSNAP_USAGE]\n",
    });
  });
  it('exits 2 and shows the group help when a group is run without a subcommand', async () => {
    const r = await run(['sandbox']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Usage: ccsnap sandbox [options] [command]');
  });
  it('exits 2 with no command at all', async () => {
    const r = await run([]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Usage: ccsnap [options] [command]');
  });
});

describe('ccsnap main: logging', () => {
  it('is silent by default, logs info with -v, redacting secrets', async () => {
    expect((await run(['_echo', '-f', 'value'])).stderr).toBe('');
    const verbose = await run(['-v', '_echo', '-f', 'value']);
    expect(verbose.stderr).toBe('ccsnap: info: echo: returning sample rows password=*** rows=3\n');
  });
});

describe('ccsnap main: signals', () => {
  it('aborts the command on SIGINT, lets it finish, exits 130', async () => {
    const r = start(['_echo', '--wait', '-f', 'value', '-c', 'Name']);
    await waitFor(() => r.stdout.text.includes('waiting'));
    r.signals.emit('SIGINT');
    expect(await r.code).toBe(130);
    expect(r.stdout.text).toContain('web-1\n');
    expect(r.stderr.text).toContain('ccsnap: warning: interrupted; cleaning up');
    expect(r.exits).toEqual([]);
    expect(r.signals.listenerCount('SIGINT')).toBe(0);
  });
  it('exits 143 on SIGTERM', async () => {
    const r = start(['_echo', '--wait', '-f', 'value']);
    await waitFor(() => r.stdout.text.includes('waiting'));
    r.signals.emit('SIGTERM');
    expect(await r.code).toBe(143);
  });
  it('ignores a second signal during a critical section', async () => {
    const r = start(['_echo', '--wait', '--critical-ms', '200', '-f', 'value']);
    await waitFor(() => r.stdout.text.includes('waiting'));
    r.signals.emit('SIGINT');
    await waitFor(() => r.stdout.text.includes('cleanup started'));
    r.signals.emit('SIGINT');
    expect(await r.code).toBe(130);
    expect(r.exits).toEqual([]);
    expect(r.stdout.text).toContain('cleanup done');
    expect(r.stderr.text).toContain('SIGINT ignored: waiting for echo cleanup to finish');
  });
});
