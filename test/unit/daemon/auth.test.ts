import { chmodSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isAuthorized, readTokenFile } from '../../../src/daemon/auth.js';

const dir = mkdtempSync(join(tmpdir(), 'ccsnap-daemon-auth-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const TOKEN = 'c0ffee-0123456789abcdef';

function tokenFile(name: string, content: string, mode: number): string {
  const path = join(dir, name);
  writeFileSync(path, content, { mode });
  chmodSync(path, mode);
  return path;
}

describe('readTokenFile', () => {
  it('reads one token from a 0600 or 0400 file, without surrounding whitespace', () => {
    expect(readTokenFile(tokenFile('ok600', `${TOKEN}\n`, 0o600))).toBe(TOKEN);
    expect(readTokenFile(tokenFile('ok400', `  ${TOKEN}  `, 0o400))).toBe(TOKEN);
  });

  it.each([0o644, 0o640, 0o604, 0o660, 0o602])('refuses mode %o with CCSNAP_DAEMON_TOKEN_FILE, never showing the token', (mode) => {
    const path = tokenFile(`mode${mode.toString(8)}`, TOKEN, mode);
    let caught: unknown;
    try {
      readTokenFile(path);
    } catch (err) {
      caught = err;
    }
    expect(caught).toMatchObject({ code: 'CCSNAP_DAEMON_TOKEN_FILE' });
    expect((caught as Error).message).toContain('chmod 600');
    expect((caught as Error).message).not.toContain(TOKEN);
  });

  it('refuses a missing file, a directory, a symbolic link, a short token and two tokens', () => {
    const link = join(dir, 'link');
    symlinkSync(tokenFile('target', TOKEN, 0o600), link);
    for (const path of [join(dir, 'absent'), dir, link, tokenFile('short', 'abc123', 0o600), tokenFile('two', `${TOKEN} ${TOKEN}`, 0o600)]) {
      expect(() => readTokenFile(path), path).toThrow(expect.objectContaining({ code: 'CCSNAP_DAEMON_TOKEN_FILE' }));
    }
  });
});

describe('isAuthorized', () => {
  it('accepts exactly "Bearer <token>"', () => {
    expect(isAuthorized(`Bearer ${TOKEN}`, TOKEN)).toBe(true);
    expect(isAuthorized(`bearer ${TOKEN}`, TOKEN)).toBe(true);
    for (const h of [undefined, '', TOKEN, `Bearer ${TOKEN}x`, `Bearer ${TOKEN.slice(1)}`, `Basic ${TOKEN}`, 'Bearer ', `Bearer ${TOKEN} extra`]) {
      expect(isAuthorized(h, TOKEN), String(h)).toBe(false);
    }
  });
});
