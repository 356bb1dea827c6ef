import { readFileSync } from 'node:fs';
import { Agent } from 'undici';
import { CcsnapError } from '../errors.js';

/** An undici Agent that verifies TLS (optionally against `cacert`) unless `insecure` is set. */
export function createAgent(opts: { cacert?: string; insecure?: boolean }): Agent {
  const connect: { rejectUnauthorized: boolean; ca?: string } = { rejectUnauthorized: !opts.insecure };
  if (opts.cacert) connect.ca = readCaFile(opts.cacert);
  return new Agent({ connect, keepAliveTimeout: 4_000 });
}

function readCaFile(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new CcsnapError('CCSNAP_CONFIG_INVALID', `cannot read CA file ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, {
      details: { file },
      cause: err,
    });
  }
}
