#!/usr/bin/env node
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = new URL('../dist/cli/main.js', import.meta.url);
let cli;
try {
  cli = await import(entry.href);
} catch (err) {
  // An unbuilt clone: one line, no stack (any other failure keeps its own error).
  if (err?.code !== 'ERR_MODULE_NOT_FOUND' || existsSync(entry)) throw err;
  const root = fileURLToPath(new URL('..', import.meta.url));
  process.stderr.write(`ccsnap: error: ccsnap is not built (no ${fileURLToPath(entry)}): run npm run build in ${root} [CCSNAP_NOT_BUILT]\n`);
  process.exit(1);
}
await cli.runCli();
