import { InvalidArgumentError } from 'commander';
import type { FaultRule } from '../sandbox-entry.js';

/** Parses one --fault JSON value (repeatable option). */
export function parseFaultOption(value: string, previous: FaultRule[] = []): FaultRule[] {
  return [...previous, parseFaultRule(value)];
}

export function parseFaultRule(text: string): FaultRule {
  let rule: unknown;
  try {
    rule = JSON.parse(text);
  } catch {
    throw new InvalidArgumentError('must be a JSON object, e.g. {"service":"array","key":"createStorageSnapshot","errorCode":500}');
  }
  if (!rule || typeof rule !== 'object' || Array.isArray(rule) || typeof (rule as FaultRule).service !== 'string') {
    throw new InvalidArgumentError('must be a JSON object with a "service" string');
  }
  return rule as FaultRule;
}

export function parsePort(value: string): number {
  const n = /^\d{1,5}$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('must be a port number (0-65535)');
  return n;
}
