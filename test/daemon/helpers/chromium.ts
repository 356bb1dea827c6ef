import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDeadline } from '../../../src/util/deadline.js';

/** One headless Chromium run may take this long on a loaded 2-core machine (a bound, not a wait). */
const CHROMIUM_BOUND_MS = 180_000;

/**
 * Flags for a headless Chromium that talks to the page's loopback server and to nothing else: no
 * background services (updates, safe browsing, sync, metrics), every hostname unresolvable (127.0.0.1 excepted: the rule applies to IP literals too), and any
 * request that is not to loopback sent to a dead proxy on 127.0.0.1:9. `--no-sandbox`: Chromium
 * refuses to run as root with its sandbox.
 */
function baseFlags(profile: string): string[] {
  return [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-dev-shm-usage',
    '--no-first-run',
    '--no-default-browser-check',
    `--user-data-dir=${profile}`,
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--disable-default-apps',
    '--disable-extensions',
    '--disable-domain-reliability',
    '--disable-client-side-phishing-detection',
    '--metrics-recording-only',
    '--no-pings',
    '--dns-prefetch-disable',
    '--disable-features=Translate,OptimizationHints,MediaRouter,AutofillServerCommunication',
    '--proxy-server=http://127.0.0.1:9',
    '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
    '--hide-scrollbars',
    '--force-color-profile=srgb',
  ];
}

async function runChromium(args: string[]): Promise<string> {
  const profile = await mkdtemp(join(tmpdir(), 'ccsnap-chromium-'));
  const deadline = startDeadline(CHROMIUM_BOUND_MS, undefined, 'chromium');
  try {
    return await new Promise<string>((resolve, reject) => {
      execFile('chromium', [...baseFlags(profile), ...args], { signal: deadline.signal, maxBuffer: 32 << 20, encoding: 'utf8' }, (err, stdout, stderr) => {
        if (err) reject(new Error(`chromium ${args.join(' ')} failed: ${err.message}\n${stderr.slice(-2000)}`));
        else resolve(stdout);
      });
    });
  } finally {
    deadline.clear();
    await rm(profile, { recursive: true, force: true });
  }
}

/** The DOM after Chromium loaded and parsed `url` (what a person's browser would build from it). */
export async function dumpDom(url: string): Promise<string> {
  const dom = await runChromium(['--dump-dom', url]);
  // Chromium exits 0 when the page did not load, and prints nothing.
  if (!dom.includes('<html')) throw new Error(`chromium loaded nothing from ${url}`);
  return dom;
}

/** A PNG of `url` in a `width`×`height` window, written to `path`. */
export async function screenshot(url: string, path: string, width = 1200, height = 1500): Promise<void> {
  await runChromium([`--window-size=${width},${height}`, `--screenshot=${path}`, url]);
}
