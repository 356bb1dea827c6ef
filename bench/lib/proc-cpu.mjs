import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/**
 * CPU time of processes from Linux /proc (utime + stime, and cutime + cstime: what the children a process
 * waited for used), in ms. A process that is gone reads as null.
 */
const TICK_MS = 1000 / clockTicks();

function clockTicks() {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
}

/** Fields of /proc/PID/stat after the command name: [0] state, [1] ppid, [11] utime, [12] stime, [13] cutime, [14] cstime. */
function statFields(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return null;
  }
}

/** utime + stime of one process (all its threads), in ms (null when it is gone). */
export function processCpuMs(pid) {
  const f = statFields(pid);
  return f ? (Number(f[11]) + Number(f[12])) * TICK_MS : null;
}

/** cutime + cstime of one process: what the children it reaped used (with what they had reaped), in ms. */
function reapedCpuMs(pid) {
  const f = statFields(pid);
  return f ? (Number(f[13]) + Number(f[14])) * TICK_MS : null;
}

/** Every live process's parent: pid -> ppid. */
function parents() {
  const out = new Map();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const f = statFields(name);
    if (f) out.set(Number(name), Number(f[1]));
  }
  return out;
}

/** The live descendants of `pid` (children, their children, ...), from one scan of /proc. */
export function descendantsOf(pid, ppids = parents()) {
  const children = new Map();
  for (const [p, pp] of ppids) children.set(pp, [...(children.get(pp) ?? []), p]);
  const out = [];
  const stack = [...(children.get(pid) ?? [])];
  while (stack.length) {
    const p = stack.pop();
    out.push(p);
    stack.push(...(children.get(p) ?? []));
  }
  return out;
}

/**
 * CPU of a process's descendants so far, in ms: the live ones' own and reaped time, plus what the process
 * reaped. The difference of two samples is what its descendants used in between, including those that started
 * or ended in between (as long as their parent reaped them).
 */
export function descendantsCpuMs(pid, ppids = parents()) {
  let ms = reapedCpuMs(pid);
  if (ms === null) return null;
  for (const d of descendantsOf(pid, ppids)) ms += (processCpuMs(d) ?? 0) + (reapedCpuMs(d) ?? 0);
  return ms;
}

/** A process and all its descendants (see descendantsCpuMs), in ms. */
export function treeCpuMs(pid, ppids = parents()) {
  const own = processCpuMs(pid);
  return own === null ? null : own + descendantsCpuMs(pid, ppids);
}

/** One scan of /proc's parent links, to pass to several of the functions above. */
export function scanProcesses() {
  return parents();
}

/** Busy and total jiffies of all CPUs (/proc/stat), for the share of the machine that was busy. */
export function machineJiffies() {
  try {
    const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    const idle = cpu[3] + (cpu[4] ?? 0);
    const total = cpu.reduce((a, b) => a + b, 0);
    return { busy: total - idle, total };
  } catch {
    return null;
  }
}

/** Percent of the machine (all cores) busy between two machineJiffies() samples. */
export function busyPct(a, b) {
  return a && b && b.total > a.total ? Math.round(((b.busy - a.busy) / (b.total - a.total)) * 100) : null;
}
