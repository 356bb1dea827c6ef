import { readFileSync } from 'node:fs';

/** ccsnap's version, from the package.json beside dist/ (the CLI's --version, the daemon's /healthz and metrics). */
export function readVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}
