/** Hides secrets in anything the CLI prints (logs, debug details, HTTP traces). */

const SECRET_KEY = /(pass(word)?|secret|token|api[-_]?key|apikey|signature|credential|authorization|cookie)/i;
export const REDACTED = '***';

export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key);
}

/** Deep copy of `value` with secret-looking keys' values replaced by "***". */
export function redact(value: unknown, depth = 0): unknown {
  if (depth > 8 || value === null || typeof value !== 'object') return typeof value === 'string' ? redactUrl(value) : value;
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    out[k] = isSecretKey(k) && v !== null && v !== undefined && v !== '' ? REDACTED : redact(v, depth + 1);
  }
  return out;
}

/** Replaces secret query parameters (apikey=..., token=...) and URL passwords in a string. */
export function redactUrl(text: string): string {
  return text
    .replace(/([?&;](?:[A-Za-z_-]*)(?:pass(?:word)?|secret|token|api[-_]?key|apikey|signature)=)[^&#\s]*/gi, `$1${REDACTED}`)
    .replace(/(\/\/[^/:@\s]+:)[^@/\s]+@/g, `$1${REDACTED}@`);
}

/** Header list (name, value pairs) with secret headers hidden. */
export function redactHeaders(headers: Array<[string, string]>): Array<[string, string]> {
  return headers.map(([name, value]) => [name, isSecretKey(name) ? REDACTED : value]);
}
