import { startSandboxRuntime as startWith, type SandboxRuntime, type StartSandboxRuntimeOptions } from '../../src/sandbox-entry.js';
import type { SandboxVolume } from '../../src/sandbox/state.js';

export type { SandboxRuntime } from '../../src/sandbox-entry.js';

/**
 * The sandbox entry's one builder (`startSandboxRuntime`: an in-memory sandbox and a Runtime composed as
 * `ccsnap --sandbox` composes its own) with the ops tests' default: Nova's os-stop/os-start take 50 ms.
 */
export function startSandboxRuntime(opts: StartSandboxRuntimeOptions = {}): Promise<SandboxRuntime> {
  return startWith({ powerDelayMs: 50, ...opts });
}

/** Attaches `volume` to `serverId` as well (Cinder multi-attach), as the attachment id `att-shared`. */
export function attachAlso(volume: SandboxVolume, serverId: string): void {
  volume.attachments.push({ attachmentId: 'att-shared', serverId, device: '/dev/vdz', hostName: 'compute-1', attachedAt: '2026-01-01T00:00:00Z' });
}
