import type { FreezePolicy } from '../engine/plan-create.js';

/**
 * A snapshot policy, as parsed from a cloud's `policies:` list in the ccsnap config:
 *
 *   policies:
 *     - name: hourly-web
 *       instances: { names: ["web-*"], projects: [admin], metadata: { ccsnap-policy: hourly } }
 *       schedule: "0 * * * *"           # 5-field cron (or @hourly, @daily, …)
 *       timezone: Europe/Berlin         # IANA; default UTC
 *       retention: { keep_last: 3, hourly: 24, daily: 7, weekly: 4, monthly: 6, yearly: 1 }
 *       create: { freeze: required, max_freeze: 10s, per_host: 2, concurrency: 8, boot_only: false }
 *       missed: run-once                # or skip
 *       spread: 10m
 *       notify: { webhook: https://…, on: [failure, recovery] }
 */
export interface Policy {
  name: string;
  instances: InstanceSelector;
  schedule: string;
  timezone: string;
  retention: RetentionRules;
  /** The cloud's `create:` settings with the policy's own on top. */
  create: PolicyCreate;
  missed: MissedPolicy;
  /** Start times of an occurrence's instances are spread over [0, spreadMs). 0: all at the occurrence. */
  spreadMs: number;
  notify: PolicyNotify | null;
}

/** Which instances a policy covers. Every criterion given must hold; within names or projects, any entry. */
export interface InstanceSelector {
  /** Globs (`*`, `?`, `[abc]`) on the instance name; an entry also matches an instance id exactly. */
  names?: string[];
  /** Project ids or names. */
  projects?: string[];
  /** Every key must be present with exactly this value. */
  metadata?: Record<string, string>;
}

/** Counts per rule; 0 (or absent) = the rule keeps nothing. */
export interface RetentionRules {
  keepLast: number;
  hourly: number;
  daily: number;
  weekly: number;
  monthly: number;
  yearly: number;
}

export interface PolicyCreate {
  freeze: FreezePolicy;
  maxFreezeMs: number;
  perHost: number;
  concurrency: number;
  bootOnly: boolean;
}

/** What to do about occurrences whose window passed while nothing ran them. */
export type MissedPolicy = 'run-once' | 'skip';

export type NotifyEvent = 'failure' | 'recovery' | 'missed' | 'success';

export interface PolicyNotify {
  /** Kept out of every message and log: a webhook URL often carries a token. */
  webhook: string;
  on: NotifyEvent[];
}
