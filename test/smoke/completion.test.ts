import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CCSNAP_BIN } from '../helpers/sandbox-cli.js';

function sh(cmd: string, args: string[], input?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(cmd, args, { timeout: 30_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
    );
    if (input !== undefined) child.stdin!.end(input);
  });
}

/** Sources the generated script in bash and asks it to complete `words` (the last one being typed). */
async function complete(words: string[]): Promise<string[]> {
  const script = `source <(${JSON.stringify(process.execPath)} ${JSON.stringify(CCSNAP_BIN)} completion bash)
COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}
_ccsnap_complete
printf '%s\\n' "\${COMPREPLY[@]}"`;
  const r = await sh('bash', ['-c', script]);
  if (r.code !== 0) throw new Error(r.stderr);
  return r.stdout.split('\n').filter(Boolean);
}

describe('ccsnap completion bash|zsh', () => {
  it('bash: commands, nested commands, options and their choices', async () => {
    expect(await complete(['ccsnap', 'cr'])).toEqual(['create']);
    expect(await complete(['ccsnap', '--os-cloud', 'lab', 'sandbox', 'faults', ''])).toEqual(['add', 'list', 'clear', '--help']);
    expect(await complete(['ccsnap', 'create', 'web-1', '--dry'])).toEqual(['--dry-run']);
    expect(await complete(['ccsnap', 'create', '-f', ''])).toEqual(['table', 'json', 'yaml', 'value', 'csv']);
    expect(await complete(['ccsnap', 'show', '--format', 's'])).toEqual(['shell']);
    expect(await complete(['ccsnap', '--os-interface', 'i'])).toEqual(['internal']);
    expect(await complete(['ccsnap', '--os-pa'])).toEqual(['--os-password']);
    expect(await complete(['ccsnap', 'completion', ''])).toEqual(['bash', 'zsh', '--help']);
  });

  it('zsh: the same completion through bashcompinit', async () => {
    const r = await sh(process.execPath, [CCSNAP_BIN, 'completion', 'zsh']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('bashcompinit');
    expect(r.stdout).toContain('complete -o default -F _ccsnap_complete ccsnap');
    if (existsSync('/usr/bin/zsh')) expect((await sh('/usr/bin/zsh', ['-n'], r.stdout)).code).toBe(0);
  });

  it('an unknown shell is a usage error', async () => {
    const r = await sh(process.execPath, [CCSNAP_BIN, 'completion', 'fish']);
    expect(r.code).toBe(2);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
  });
});
