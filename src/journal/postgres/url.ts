/** True when `target` names a PostgreSQL journal (a `postgres://` or `postgresql://` URL), not a SQLite file. */
export function isPostgresUrl(target: string): boolean {
  return /^postgres(ql)?:\/\//i.test(target);
}

const MASK = '***';

/**
 * The URL with every secret masked, fit for messages and logs: the userinfo's password and the `password` /
 * `sslpassword` query parameters become `***`. Works on the text, not with a parser, so a malformed URL (an
 * unencoded `@`, `/` or `?` in the password) is masked too, conservatively: everything from the first `:`
 * after `//` to the last `@` is taken for the password.
 */
export function redactUrl(url: string): string {
  const start = /^[a-z][a-z0-9+.-]*:\/\//i.exec(url)?.[0].length ?? 0;
  const at = url.lastIndexOf('@');
  const colon = url.indexOf(':', start);
  const masked = at > start && colon >= 0 && colon < at ? `${url.slice(0, colon)}:${MASK}${url.slice(at)}` : url;
  return masked.replace(/([?&](?:ssl)?password=)[^&#]*/gi, `$1${MASK}`);
}

/** Removes `secret` from `text` (a driver's message may quote what it was given); short ones are left, to keep messages readable. */
export function scrubSecret(text: string, secret: string | undefined): string {
  return secret && secret.length >= 4 ? text.replaceAll(secret, MASK) : text;
}
