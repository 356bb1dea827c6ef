import { readFile, stat } from 'node:fs/promises';
import { CcsnapError, type CcsnapErrorCode } from '../errors.js';

/** Reads a key-bearing file; returns its text and whether group/other can read it. */
export async function readSecretFile(path: string, code: CcsnapErrorCode, what: string, array: string): Promise<{ text: string; exposedMode?: string }> {
  try {
    const [text, info] = await Promise.all([readFile(path, 'utf8'), stat(path)]);
    const exposed = (info.mode & 0o044) !== 0;
    return { text, ...(exposed ? { exposedMode: (info.mode & 0o777).toString(8).padStart(4, '0') } : {}) };
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new CcsnapError(code, `array ${array}: cannot read ${what} ${path} (${reason})`, { details: { array, path, reason }, cause: err });
  }
}

/** The `url` of a curl config file (`url=…`, `url = "…"`, `--url …`), as the seed's `ec<host>` file holds. */
export function urlFromCurlConfig(text: string): string | undefined {
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const m = /^(?:--)?url\s*(?:[=:]\s*|\s+)(?:"([^"]*)"|(\S+))\s*$/.exec(line);
    if (m) return m[1] ?? m[2];
  }
  return undefined;
}

/** The apiKey of the seed's `eckey<host>` file (`apiKey=…&response=json`); parameter name case-insensitive. */
export function apiKeyFromCurlData(text: string): string | undefined {
  const params = new URLSearchParams(text.trim());
  for (const [k, v] of params) if (k.toLowerCase() === 'apikey' && v !== '') return v;
  return undefined;
}
