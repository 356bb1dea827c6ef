import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import type { RealVm } from './realvm.js';

const SCRIPTS = fileURLToPath(new URL('../../scripts/realvm/', import.meta.url));

function runScript(script: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('bash', [SCRIPTS + script, ...args], { encoding: 'utf8', maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

function parseVars(text: string): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^(REALVM_[A-Z_]+)=(.*)$/.exec(line.trim());
    if (m) vars[m[1]!] = m[2]!;
  }
  return vars;
}

function toRealVm(v: Record<string, string>): RealVm {
  return {
    uri: v.REALVM_URI!,
    domain: v.REALVM_DOMAIN!,
    noAgentDomain: v.REALVM_DOMAIN_NOAGENT!,
    stoppedDomain: v.REALVM_DOMAIN_STOPPED!,
    work: v.REALVM_WORK!,
    disk: v.REALVM_DISK!,
    console: v.REALVM_CONSOLE!,
    bootMs: Number(v.REALVM_BOOT_MS ?? NaN),
    setupMs: Number(v.REALVM_SETUP_MS ?? NaN),
  };
}

/**
 * Uses REALVM_* from the environment when CI ran scripts/realvm/setup.sh itself; otherwise runs setup.sh
 * (root only) into REALVM_WORK (default /var/tmp/ccsnap-realvm) and teardown.sh afterwards (REALVM_KEEP=1 keeps it).
 */
/** In CI (or with REALVM_REQUIRED=1) a suite that cannot run is a failure, never a silent skip. */
function skipOrFail(project: TestProject, skip: string): undefined {
  if (process.env.CI === 'true' || process.env.REALVM_REQUIRED === '1') throw new Error(`[test:libvirt] cannot run: ${skip}`);
  console.warn(`[test:libvirt] SKIPPING: ${skip}`);
  project.provide('realvm', { skip });
  return undefined;
}

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  if (process.env.REALVM_URI && process.env.REALVM_DOMAIN && process.env.REALVM_DISK) {
    project.provide('realvm', toRealVm(process.env as Record<string, string>));
    return undefined;
  }
  if (process.platform !== 'linux' || process.getuid?.() !== 0) {
    return skipOrFail(project, 'real libvirt suite needs root on Linux (it installs libvirt/QEMU and starts libvirtd)');
  }
  const work = process.env.REALVM_WORK ?? '/var/tmp/ccsnap-realvm';
  const t0 = Date.now();
  let r = await runScript('setup.sh', [work]);
  if (r.code !== 0) {
    console.warn(`[test:libvirt] setup failed once (exit ${r.code}); retrying`);
    r = await runScript('setup.sh', [work]);
  }
  if (r.code !== 0) return skipOrFail(project, `scripts/realvm/setup.sh failed (exit ${r.code}): ${r.stderr.trim().split('\n').slice(-5).join(' | ')}`);
  const vm = toRealVm(parseVars(r.stdout));
  console.log(`[test:libvirt] guest ${vm.domain} up: setup ${Date.now() - t0} ms (boot ${vm.bootMs} ms)`);
  project.provide('realvm', vm);
  return async () => {
    if (process.env.REALVM_KEEP === '1') return;
    const t = await runScript('teardown.sh', [work]);
    if (t.code !== 0) console.warn(`[test:libvirt] teardown failed: ${t.stderr}`);
  };
}
