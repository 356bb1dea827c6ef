import { readFileSync } from 'node:fs';

let version: string | undefined;

/** ccsnap's version, from its package.json (src/ and dist/ both sit two levels below it). */
export function ccsnapVersion(): string {
  if (version === undefined) {
    try {
      version = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string }).version ?? 'unknown';
    } catch {
      version = 'unknown';
    }
  }
  return version;
}
