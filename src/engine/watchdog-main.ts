/**
 * The thaw watchdog process (see watchdog-protocol.ts). Started detached by ccsnap; survives
 * ccsnap's death; thaws every armed guest whose deadline passes, and all armed guests at once
 * when ccsnap's end of the stdin pipe closes.
 */
import { appendFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { HypervisorPort } from './ports.js';
import { WATCHDOG_GRACE_MS, type ArmMessage, type WatchdogReply, type WatchdogRequest } from './watchdog-protocol.js';

interface Armed {
  message: ArmMessage;
  timer: NodeJS.Timeout;
}

const armed = new Map<string, Armed>();
const firing = new Set<Promise<void>>();
let exitRequested = false;
let parentGone = false;

function log(text: string): void {
  const path = process.env.CCSNAP_WATCHDOG_LOG;
  if (!path) return;
  try {
    appendFileSync(path, `${new Date().toISOString()} watchdog[${process.pid}] ${text}\n`);
  } catch {
    // logging must never stop a thaw
  }
}

function reply(message: WatchdogReply): void {
  if (parentGone) return;
  try {
    process.stdout.write(`${JSON.stringify(message)}\n`);
  } catch {
    parentGone = true;
  }
}

async function openHypervisor(message: ArmMessage): Promise<{ hv: HypervisorPort; close(): Promise<void> }> {
  const mod = (await import('../hypervisor/index.js')) as unknown as {
    createHypervisorPool(config: unknown): { forHost(host: string): HypervisorPort; close(): Promise<void> };
    parseHypervisorConfig?: (raw: unknown) => unknown;
  };
  // One-shot virsh processes: a fresh connection per call is the most robust choice here.
  const config = { ...(message.hypervisor as Record<string, unknown>), session: 'oneshot' };
  const pool = mod.createHypervisorPool(config);
  return { hv: pool.forHost(message.host), close: () => pool.close() };
}

/** Thaws until the agent reports "thawed", for at most the grace period. */
async function thawUntilThawed(message: ArmMessage, why: string): Promise<void> {
  log(`firing for ${message.domain} (${why})`);
  const { hv, close } = await openHypervisor(message);
  const giveUp = Date.now() + WATCHDOG_GRACE_MS;
  try {
    for (let attempt = 1; Date.now() < giveUp; attempt++) {
      try {
        await hv.thaw(message.domain, { signal: AbortSignal.timeout(5000) });
      } catch (err) {
        log(`thaw ${message.domain} attempt ${attempt} failed: ${(err as Error).message}`);
      }
      try {
        const status = await hv.freezeStatus(message.domain, { signal: AbortSignal.timeout(5000) });
        if (status === 'thawed') {
          log(`${message.domain} is thawed (attempt ${attempt})`);
          return;
        }
      } catch (err) {
        const code = (err as { code?: string }).code;
        // A domain that is not running, or has no agent, cannot be frozen.
        if (code === 'CCSNAP_HV_DOMAIN_NOT_RUNNING' || code === 'CCSNAP_HV_DOMAIN_NOT_FOUND' || code === 'CCSNAP_HV_AGENT_NOT_CONFIGURED') {
          log(`${message.domain}: ${code}; nothing to thaw`);
          return;
        }
        log(`status ${message.domain} attempt ${attempt} failed: ${(err as Error).message}`);
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    log(`gave up on ${message.domain} after ${WATCHDOG_GRACE_MS} ms`);
  } finally {
    await close().catch(() => undefined);
  }
}

function fire(id: string, why: string): void {
  const entry = armed.get(id);
  if (!entry) return;
  armed.delete(id);
  clearTimeout(entry.timer);
  const p = thawUntilThawed(entry.message, why).finally(() => {
    firing.delete(p);
    maybeExit();
  });
  firing.add(p);
}

function maybeExit(): void {
  if ((exitRequested || parentGone) && armed.size === 0 && firing.size === 0) process.exit(0);
}

function handle(request: WatchdogRequest): void {
  switch (request.op) {
    case 'arm': {
      const delay = Math.max(0, request.deadline - Date.now());
      const timer = setTimeout(() => fire(request.id, 'deadline passed'), delay);
      armed.set(request.id, { message: request, timer });
      log(`armed ${request.id} for ${request.domain} on ${request.host}, fires in ${delay} ms`);
      reply({ op: 'armed', id: request.id });
      return;
    }
    case 'disarm': {
      const entry = armed.get(request.id);
      if (entry) clearTimeout(entry.timer);
      armed.delete(request.id);
      log(`disarmed ${request.id}`);
      reply({ op: 'disarmed', id: request.id });
      maybeExit();
      return;
    }
    case 'tighten': {
      const entry = armed.get(request.id);
      if (!entry) return;
      clearTimeout(entry.timer);
      const delay = Math.max(0, request.deadline - Date.now());
      entry.message.deadline = request.deadline;
      entry.timer = setTimeout(() => fire(request.id, 'deadline passed'), delay);
      log(`deadline of ${request.id} moved: fires in ${delay} ms`);
      return;
    }
    case 'ping':
      reply({ op: 'pong' });
      return;
    case 'exit':
      exitRequested = true;
      maybeExit();
      return;
  }
}

function main(): void {
  // The watchdog must not die with ccsnap's terminal or process group.
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGPIPE'] as const) process.on(sig, () => log(`ignored ${sig}`));
  process.stdout.on('error', () => {
    parentGone = true;
  });
  const lines = createInterface({ input: process.stdin });
  lines.on('line', (line) => {
    try {
      handle(JSON.parse(line) as WatchdogRequest);
    } catch (err) {
      reply({ op: 'error', message: `bad request: ${(err as Error).message}` });
    }
  });
  lines.on('close', () => {
    parentGone = true;
    if (!exitRequested && armed.size > 0) log('ccsnap vanished with guests armed: thawing now');
    for (const id of [...armed.keys()]) fire(id, exitRequested ? 'ccsnap exited while armed' : 'ccsnap vanished');
    maybeExit();
  });
  reply({ op: 'ready', pid: process.pid });
}

main();
