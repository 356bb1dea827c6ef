/** Redaction of secrets from headers, bodies and URLs before they are logged or put in errors. */

export const REDACTED = '***';

const SECRET_HEADERS = new Set(['x-auth-token', 'x-subject-token', 'authorization', 'x-service-token', 'cookie', 'set-cookie']);
const SECRET_KEYS = /^(password|secret|application_credential_secret|adminpass|admin_pass|auth_token|token_id)$/i;
const SECRET_QUERY = /(token|password|secret|signature|apikey|api_key)/i;

export function redactHeaders(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) out[name] = SECRET_HEADERS.has(name.toLowerCase()) ? REDACTED : value;
  return out;
}

/** Deep copy with passwords, secrets and `token: {id}` values replaced. */
export function redactBody(value: unknown, key = ''): unknown {
  if (Array.isArray(value)) return value.map((item) => redactBody(item));
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (key === 'token' && k === 'id' && typeof v === 'string') out[k] = REDACTED;
      else out[k] = redactBody(v, k);
    }
    return out;
  }
  if (typeof value === 'string' && SECRET_KEYS.test(key)) return REDACTED;
  return value;
}

/** Drops user:password@ and masks query parameters that look like credentials. */
export function redactUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return url;
  }
  parsed.username = '';
  parsed.password = '';
  for (const name of [...parsed.searchParams.keys()]) {
    if (SECRET_QUERY.test(name)) parsed.searchParams.set(name, REDACTED);
  }
  return parsed.toString();
}

/** Replaces every occurrence of the given secrets in a string. */
export function scrubText(text: string, secrets: Iterable<string | undefined>): string {
  let out = text;
  for (const secret of secrets) {
    if (secret && secret.length >= 3) out = out.split(secret).join(REDACTED);
  }
  return out;
}
