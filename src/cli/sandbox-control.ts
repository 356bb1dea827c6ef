import { resolve } from 'node:path';
import { CcsnapError, UsageError } from '../core.js';
import { startDeadline } from '../index.js';
import { defaultStatePath, readServerInfo } from './sandbox-paths.js';
import type { CommandContext } from './types.js';

/** --url, else $CCSNAP_SANDBOX_URL, else the running `sandbox serve` for the default state file. */
export function resolveSandboxUrl(ctx: CommandContext, urlOption: unknown, stateOption?: unknown): string {
  const explicit = typeof urlOption === 'string' && urlOption !== '' ? urlOption : ctx.env.CCSNAP_SANDBOX_URL;
  if (explicit) return checkLoopbackUrl(explicit);
  const statePath = resolve(typeof stateOption === 'string' ? stateOption : defaultStatePath(ctx.env));
  const running = readServerInfo(statePath);
  if (!running) throw new UsageError(`no running sandbox found for ${statePath}; pass --url URL (as printed by 'ccsnap sandbox serve')`);
  return checkLoopbackUrl(running.url);
}

/** The sandbox only ever listens on loopback; refuse anything else. Returns the URL without a trailing "/". */
export function checkLoopbackUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`not a URL: ${text}`);
  }
  const loopback = url.hostname === 'localhost' || /^127(\.\d{1,3}){3}$/.test(url.hostname);
  if (url.protocol !== 'http:' || !loopback) throw new UsageError(`sandbox URL must be http://127.0.0.1:PORT, got ${url.origin}`);
  return url.origin;
}

/** One call to the sandbox control API (/_sandbox/...). */
export async function callControl(ctx: CommandContext, baseUrl: string, method: string, path: string, body?: unknown): Promise<unknown> {
  const deadline = startDeadline((ctx.globals.timeout ?? 10) * 1000, ctx.signal, 'sandbox control');
  const signal = deadline.signal;
  let response: Response;
  try {
    response = await fetch(`${baseUrl}/_sandbox${path}`, {
      method,
      signal,
      ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } }),
    });
  } catch (err) {
    deadline.clear();
    if (ctx.signal.aborted) throw err;
    throw new CcsnapError('CCSNAP_SANDBOX_UNREACHABLE', `no sandbox answers at ${baseUrl}`, { cause: err, details: { url: baseUrl } });
  }
  const text = await response.text().finally(() => deadline.clear());
  if (!response.ok) {
    throw new CcsnapError('CCSNAP_SANDBOX_CONTROL', `sandbox control ${method} ${path} failed: HTTP ${response.status} ${text.slice(0, 200)}`, {
      details: { url: baseUrl, status: response.status },
    });
  }
  return text === '' ? undefined : (JSON.parse(text) as unknown);
}
