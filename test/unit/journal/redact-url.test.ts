import { describe, expect, it } from 'vitest';
import { isPostgresUrl, redactUrl, scrubSecret } from '../../../src/journal/postgres/url.js';

describe('redactUrl', () => {
  it('masks the password of the userinfo and keeps user, host, port, database and parameters', () => {
    expect(redactUrl('postgresql://ccsnap:s3cr%40t@db.example:5433/journal?sslmode=require')).toBe(
      'postgresql://ccsnap:***@db.example:5433/journal?sslmode=require',
    );
    expect(redactUrl('postgres://ccsnap:hunter22@127.0.0.1/ccsnap')).toBe('postgres://ccsnap:***@127.0.0.1/ccsnap');
  });

  it('leaves a URL without a secret as it is (socket host, user only, no userinfo)', () => {
    for (const url of [
      'postgresql://ccsnap@/journal?host=/run/postgresql',
      'postgresql://db:5432/journal',
      'postgresql:///journal',
      'postgresql://u@[::1]:5432/j',
    ]) {
      expect(redactUrl(url)).toBe(url);
    }
  });

  it('masks password and sslpassword query parameters', () => {
    expect(redactUrl('postgresql://u@h/db?password=topsecret&application_name=x&SSLPassword=k3y')).toBe(
      'postgresql://u@h/db?password=***&application_name=x&SSLPassword=***',
    );
  });

  it('masks a malformed password too (unencoded @, / or ?), never leaving a piece of it', () => {
    for (const [url, secret] of [
      ['postgresql://u:Xq1@Zs9@h/db', 'Xq1@Zs9'],
      ['postgresql://u:Xq1/Zs9@h:5432/db', 'Xq1/Zs9'],
      ['postgresql://u:Xq1?Zs9@h/db', 'Xq1?Zs9'],
      ['postgresql://u:Xq1#Zs9@h/db', 'Xq1#Zs9'],
    ] as const) {
      const out = redactUrl(url);
      expect(out).toMatch(/^postgresql:\/\/u:\*\*\*@h/);
      for (const piece of secret.split(/[@/?#]/)) expect(out).not.toContain(piece);
    }
  });

  it('tells PostgreSQL URLs from SQLite paths', () => {
    expect(isPostgresUrl('postgresql://h/db')).toBe(true);
    expect(isPostgresUrl('POSTGRES://h/db')).toBe(true);
    expect(isPostgresUrl('/var/lib/ccsnap/journal.db')).toBe(false);
    expect(isPostgresUrl('postgresql.db')).toBe(false);
    expect(isPostgresUrl(':memory:')).toBe(false);
  });

  it('scrubSecret removes a password a driver message quotes, and leaves short ones', () => {
    expect(scrubSecret('bad password "hunter22" for u', 'hunter22')).toBe('bad password "***" for u');
    expect(scrubSecret('a b c', 'b')).toBe('a b c');
    expect(scrubSecret('x', undefined)).toBe('x');
  });
});
