import { CcsnapError } from '../errors.js';
import { parseDuration } from '../util/time.js';
import type { HypervisorConfig } from './types.js';
import { DEFAULT_URI_TEMPLATE, validateUriTemplate } from './uri.js';

export const DEFAULT_HYPERVISOR_CONFIG: HypervisorConfig = {
  uriTemplate: DEFAULT_URI_TEMPLATE,
  virsh: 'virsh',
  agentTimeoutSec: 5,
  commandTimeoutMs: 15_000,
  session: 'persistent',
};

/**
 * Parses the YAML section
 *   hypervisor: { uri: "qemu+ssh://{host}/system", virsh: virsh, agent_timeout: 5s, command_timeout: 15s, session: persistent, env: {...} }
 * Absent keys take the defaults; unknown keys are refused.
 */
export function parseHypervisorConfig(raw: unknown): HypervisorConfig {
  if (raw === undefined || raw === null) return { ...DEFAULT_HYPERVISOR_CONFIG };
  if (typeof raw !== 'object' || Array.isArray(raw)) throw configError('the hypervisor section must be a mapping');
  const r = raw as Record<string, unknown>;
  const known = ['uri', 'virsh', 'agent_timeout', 'command_timeout', 'session', 'env'];
  const unknown = Object.keys(r).filter((k) => !known.includes(k));
  if (unknown.length > 0) throw configError(`unknown key(s) in hypervisor: ${unknown.join(', ')}`);
  const config: HypervisorConfig = { ...DEFAULT_HYPERVISOR_CONFIG };
  if (r.uri !== undefined) config.uriTemplate = validateUriTemplate(str(r.uri, 'uri'));
  if (r.virsh !== undefined) config.virsh = str(r.virsh, 'virsh');
  if (r.agent_timeout !== undefined) config.agentTimeoutSec = Math.ceil(durationMs(r.agent_timeout, 'agent_timeout') / 1000);
  if (r.command_timeout !== undefined) config.commandTimeoutMs = durationMs(r.command_timeout, 'command_timeout');
  if (r.session !== undefined) {
    if (r.session !== 'persistent' && r.session !== 'oneshot') throw configError('hypervisor.session must be "persistent" or "oneshot"');
    config.session = r.session;
  }
  if (r.env !== undefined) config.env = envMap(r.env);
  if (config.commandTimeoutMs <= 0) throw configError('hypervisor.command_timeout must be positive');
  if (config.agentTimeoutSec > 0 && config.commandTimeoutMs <= config.agentTimeoutSec * 1000) {
    throw configError('hypervisor.command_timeout must be longer than agent_timeout (so the agent timeout is reported as such)');
  }
  return config;
}

/**
 * Checks a HypervisorConfig that crossed a process boundary (the watchdog gets ccsnap's as JSON): every field of
 * its type, nothing else kept. Throws CCSNAP_HV_CONFIG naming the first field that is wrong.
 */
export function readHypervisorConfig(value: unknown): HypervisorConfig {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw configError('the hypervisor config must be an object');
  const v = value as Record<string, unknown>;
  const text = (key: string): string => {
    if (typeof v[key] !== 'string' || v[key] === '') throw configError(`hypervisor config: ${key} must be a non-empty string`);
    return v[key];
  };
  const count = (key: string, min: number): number => {
    const n = v[key];
    if (typeof n !== 'number' || !Number.isFinite(n) || n < min) throw configError(`hypervisor config: ${key} must be a number of at least ${min}`);
    return n;
  };
  if (v.session !== 'persistent' && v.session !== 'oneshot') throw configError('hypervisor config: session must be "persistent" or "oneshot"');
  const config: HypervisorConfig = {
    uriTemplate: text('uriTemplate'),
    virsh: text('virsh'),
    agentTimeoutSec: count('agentTimeoutSec', 0),
    commandTimeoutMs: count('commandTimeoutMs', 1),
    session: v.session,
  };
  if (v.env !== undefined) config.env = readEnv(v.env);
  return config;
}

function readEnv(value: unknown): Record<string, string> {
  const bad = (): CcsnapError => configError('hypervisor config: env must map names to strings');
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw bad();
  const env: Record<string, string> = {};
  for (const [name, text] of Object.entries(value)) {
    if (typeof text !== 'string') throw bad();
    env[name] = text;
  }
  return env;
}

function str(v: unknown, key: string): string {
  if (typeof v !== 'string' || v.trim() === '') throw configError(`hypervisor.${key} must be a non-empty string`);
  return v;
}

function durationMs(v: unknown, key: string): number {
  if (typeof v === 'number' && Number.isFinite(v) && v >= 0) return v * 1000;
  if (typeof v === 'string') {
    try {
      return parseDuration(v);
    } catch {
      /* fall through */
    }
  }
  throw configError(`hypervisor.${key} must be a duration such as 5s`);
}

function envMap(v: unknown): Record<string, string> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw configError('hypervisor.env must be a mapping');
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(v)) out[k] = String(val);
  return out;
}

function configError(message: string): CcsnapError {
  return new CcsnapError('CCSNAP_HV_CONFIG', message);
}
