import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import type { RealStack } from './stack.js';

const SCRIPTS = fileURLToPath(new URL('../../scripts/realstack/', import.meta.url));

/** Runs a realstack script; its progress (stderr) goes to our stderr, prefixed, so CI logs show it. */
function runScript(script: string, args: string[]): Promise<{ code: number; stdout: string; stderrTail: string[] }> {
  return new Promise((resolve) => {
    const child = spawn('bash', [SCRIPTS + script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    const tail: string[] = [];
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => {
      for (const line of d.toString().split('\n').filter(Boolean)) {
        process.stderr.write(`  ${line}\n`);
        tail.push(line);
        if (tail.length > 20) tail.shift();
      }
    });
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderrTail: tail }));
  });
}

function parseVars(text: string): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^REALSTACK_([A-Z_]+)=(.*)$/.exec(line.trim());
    if (m) vars[m[1]!] = m[2]!;
  }
  return vars;
}

function toRealStack(v: Record<string, string>): RealStack {
  return {
    work: v.WORK!,
    cloud: v.CLOUD!,
    cloudsYaml: v.CLOUDS_YAML!,
    config: v.CONFIG!,
    journal: v.JOURNAL!,
    sandboxUrl: v.SANDBOX_URL!,
    arrayData: v.ARRAY_DATA!,
    serverId: v.SERVER_ID!,
    serverName: v.SERVER_NAME!,
    domain: v.DOMAIN!,
    bootVolume: v.BOOT_VOLUME!,
    dataVolume: v.DATA_VOLUME!,
    bootImage: v.BOOT_IMAGE!,
    dataImage: v.DATA_IMAGE!,
    libvirtUri: v.LIBVIRT_URI!,
    bridgeLog: v.BRIDGE_LOG!,
  };
}

/** The suite's total time and each phase's time (setup phases, tests, teardown), from WORK/timings.tsv. */
function printTimings(work: string, totalMs: number): void {
  const file = join(work, 'timings.tsv');
  const rows = existsSync(file)
    ? readFileSync(file, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => l.split('\t') as [string, string])
    : [];
  const sec = (ms: number): string => `${(ms / 1000).toFixed(1).padStart(7)} s`;
  const lines = ['', '[test:realstack] time per phase'];
  for (const [name, ms] of rows) lines.push(`  ${name.padEnd(40)} ${sec(Number(ms))}`);
  lines.push(`  ${'TOTAL (setup + tests + teardown)'.padEnd(40)} ${sec(totalMs)}`, '');
  console.log(lines.join('\n'));
}

/**
 * Brings the real stack up with scripts/realstack/setup.sh (root only; REALSTACK_WORK, default
 * /var/tmp/ccsnap-realstack) and always tears it down again with teardown.sh — also when setup failed
 * (REALSTACK_KEEP=1 keeps it running for another run: setup is idempotent and takes ~25 s when warm).
 * A setup failure fails the suite with setup's own one-line reason; it is never a silent skip.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const t0 = Date.now();
  const work = process.env.REALSTACK_WORK ?? '/var/tmp/ccsnap-realstack';
  if (process.platform !== 'linux' || process.getuid?.() !== 0) {
    const skip = 'the real-stack suite needs root on Linux (it installs OpenStack, libvirt and QEMU packages and starts their services)';
    // In CI a suite that cannot run is a failure, never a silent skip (as in test/libvirt).
    if (process.env.CI === 'true' || process.env.REALSTACK_REQUIRED === '1') throw new Error(`[test:realstack] cannot run: ${skip}`);
    console.warn(`[test:realstack] SKIPPING: ${skip}`);
    project.provide('realstack', { skip });
    return async () => undefined;
  }
  const teardown = async (): Promise<void> => {
    if (process.env.REALSTACK_KEEP === '1') {
      console.log(`[test:realstack] REALSTACK_KEEP=1: leaving the stack running in ${work} (scripts/realstack/teardown.sh ${work} stops it)`);
    } else {
      const t = await runScript('teardown.sh', [work]);
      if (t.code !== 0) console.warn(`[test:realstack] teardown exited ${t.code}`);
    }
    printTimings(work, Date.now() - t0);
  };
  console.log(`[test:realstack] setting up the real stack in ${work}`);
  const r = await runScript('setup.sh', [work]);
  if (r.code !== 0) {
    // setup.sh's own verdict (the phase that failed twice) and the last line of that phase's log
    const verdict = r.stderrTail
      .filter((l) => l.includes('ERROR: setup failed'))
      .at(-1)
      ?.replace(/^\[realstack [\d:]+\] ERROR: /, '');
    const cause = r.stderrTail
      .filter((l) => l.startsWith('    '))
      .at(-1)
      ?.trim();
    const reason = verdict ? `${verdict}${cause ? `; last log line: ${cause}` : ''}` : (r.stderrTail.at(-1) ?? `exit ${r.code}`);
    await teardown();
    throw new Error(`[test:realstack] setup failed: ${reason}`);
  }
  const vars = parseVars(r.stdout);
  console.log(
    `[test:realstack] stack up in ${((Date.now() - t0) / 1000).toFixed(1)} s: instance ${vars.SERVER_NAME} (${vars.DOMAIN}), array ${vars.SANDBOX_URL}`,
  );
  project.provide('realstack', toRealStack(vars));
  return teardown;
}
