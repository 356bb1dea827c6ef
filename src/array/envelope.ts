import { CcsnapError } from '../errors.js';
import { ARRAY_ERROR_CODES, classifyArrayError, oneLine } from './errors.js';
import { ERROR_RESPONSE_KEY, responseKeyOf } from './response-keys.js';
import type { RawAnswer } from './transport.js';

type Json = Record<string, unknown>;

/**
 * Unwraps an answer: returns the object under the command's response key, or throws the array's error.
 * Any status >= 300 is a failure; a 200 body carrying `errorcode` is one too (reference §2.2).
 */
export function unwrapAnswer(answer: RawAnswer, command: string, array: string, hide: (t: string) => string): Json {
  const parsed = parseJson(answer.text);
  const failed = answer.status >= 300 || answer.status < 200;
  // The facts of an error (its URL is made only then).
  const base = (): { command: string; status: number; array: string; url: string } => ({ command, status: answer.status, array, url: answer.url });
  if (!parsed) {
    if (failed) {
      const text = answer.description ?? excerpt(answer.text);
      throw classifyArrayError({ ...base(), errortext: hide(text) });
    }
    throw new CcsnapError(
      ARRAY_ERROR_CODES.badResponse,
      `array ${array}: ${command} answered with a non-JSON body: ${hide(excerpt(answer.text)) || '(empty)'}`,
      {
        details: { ...base(), contentType: answer.contentType, body: hide(excerpt(answer.text)) },
      },
    );
  }
  const key = pickKey(parsed, command);
  const inner = key !== undefined && isObject(parsed[key]) ? parsed[key] : undefined;
  const errorcode = inner ? toNumber(inner.errorcode) : undefined;
  if (failed || (errorcode !== undefined && errorcode !== 0)) {
    const text = typeof inner?.errortext === 'string' ? inner.errortext : (answer.description ?? excerpt(answer.text));
    throw classifyArrayError({ ...base(), ...(errorcode !== undefined ? { errorcode } : {}), errortext: hide(text) });
  }
  if (!inner || key !== responseKeyOf(command)) {
    throw new CcsnapError(ARRAY_ERROR_CODES.badResponse, `array ${array}: ${command} answered without the expected key ${responseKeyOf(command) ?? '?'}`, {
      details: { ...base(), keys: Object.keys(parsed) },
    });
  }
  return inner;
}

function pickKey(body: Json, command: string): string | undefined {
  const expected = responseKeyOf(command);
  if (expected !== undefined && expected in body) return expected;
  if (ERROR_RESPONSE_KEY in body) return ERROR_RESPONSE_KEY;
  const keys = Object.keys(body);
  return keys.length === 1 ? keys[0] : undefined;
}

function parseJson(text: string): Json | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return isObject(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function toNumber(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && /^\d+$/.test(value.trim())) return Number(value);
  return undefined;
}

function excerpt(text: string): string {
  const line = oneLine(text);
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}

/** The array under `listKey`, or [] for the empty-list answer `{}` (reference §2.1). */
export function listOf(inner: Json, listKey: string): Json[] {
  const value = inner[listKey];
  if (value === undefined) return [];
  if (Array.isArray(value)) return value.filter(isObject);
  if (isObject(value)) return [value];
  return [];
}
