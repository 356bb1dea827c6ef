import { createHash, timingSafeEqual } from 'node:crypto';
import { closeSync, fstatSync, openSync, readFileSync, constants } from 'node:fs';
import { CcsnapError } from '../errors.js';

/** Shortest token accepted: a guessable token on a network port is no protection. */
export const MIN_TOKEN_LENGTH = 16;

/**
 * Reads the bearer token from `path`: a regular file (not followed through a symlink), owned by this
 * user when it can tell, with no permission bits for group or others (0600 or 0400), holding one token of
 * at least MIN_TOKEN_LENGTH characters (surrounding whitespace ignored). The token never appears in an error.
 */
export function readTokenFile(path: string): string {
  const refuse = (why: string, cause?: unknown): CcsnapError =>
    new CcsnapError('CCSNAP_DAEMON_TOKEN_FILE', `token file ${path} ${why}`, { details: { path }, ...(cause !== undefined ? { cause } : {}) });
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw refuse(code === 'ELOOP' ? 'is a symbolic link; give the file itself' : `cannot be read (${code ?? 'error'})`, err);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw refuse('is not a regular file');
    if ((st.mode & 0o077) !== 0) throw refuse(`has mode ${(st.mode & 0o777).toString(8).padStart(4, '0')}; it must be readable by its owner only (chmod 600)`);
    const uid = process.getuid?.();
    if (uid !== undefined && uid !== 0 && st.uid !== uid) throw refuse(`is owned by uid ${st.uid}, not by this user (uid ${uid})`);
    const token = readFileSync(fd, 'utf8').trim();
    if (token.length < MIN_TOKEN_LENGTH || /\s/.test(token)) throw refuse(`must hold one token of at least ${MIN_TOKEN_LENGTH} characters without spaces`);
    return token;
  } finally {
    closeSync(fd);
  }
}

/** Checks an Authorization header against the token in constant time (over digests, whatever the lengths). */
export function isAuthorized(header: string | undefined, token: string): boolean {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  if (!m) return false;
  return timingSafeEqual(digest(m[1]!), digest(token));
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}
