import { ARRAY_CODES } from './array.js';
import { CONFIG_CODES } from './config.js';
import { DAEMON_CODES } from './daemon.js';
import { GENERAL_CODES } from './general.js';
import { HYPERVISOR_CODES } from './hypervisor.js';
import { OPENSTACK_CODES } from './openstack.js';
import { OPERATION_CODES } from './operations.js';
import { POLICY_CODES } from './policies.js';
import { SANDBOX_CODES } from './sandbox.js';
import type { ErrorCodeGroup, ErrorCodeInfo } from './types.js';

export type { ErrorCodeGroup, ErrorCodeInfo, ErrorKind } from './types.js';

/** The catalogue by section, in the order of docs/errors.md (generated from it: `npm run docs:errors`). */
export const ERROR_CODE_GROUPS = [
  {
    title: 'General',
    about:
      'Three codes say that something stopped, and they are three different facts. `CCSNAP_ABORTED`: one call ended because ' +
      "its caller's AbortSignal fired. `CCSNAP_INTERRUPTED`: a whole operation was stopped from outside (SIGINT/SIGTERM, its " +
      'caller, or ccsnap dying); the journal and the CLI report this one. `CCSNAP_DECLINED`: the user answered "no" when asked ' +
      'to confirm; nothing was started.',
    codes: GENERAL_CODES,
  },
  { title: 'Settings', codes: CONFIG_CODES },
  { title: 'OpenStack', codes: OPENSTACK_CODES },
  { title: 'Array (ElastiCenter)', codes: ARRAY_CODES },
  { title: 'Hypervisor (libvirt)', codes: HYPERVISOR_CODES },
  {
    title: 'Operations (create, rollback, delete, recover)',
    about:
      '`CCSNAP_NEWER_SNAPSHOTS` is raised both by the rollback plan and when the array itself refuses a rollback for the same ' +
      'reason; `details.newer` lists the snapshots in both cases.',
    codes: OPERATION_CODES,
  },
  { title: 'Snapshot policies (run-due, policy run, notifications)', codes: POLICY_CODES },
  { title: 'Sandbox', codes: SANDBOX_CODES },
  { title: 'Daemon (HTTP)', codes: DAEMON_CODES },
] as const satisfies readonly ErrorCodeGroup[];

/** Every CCSNAP_* code ccsnap raises, with its meaning, exit status class and typical fix. */
export const ERROR_CODES = {
  ...GENERAL_CODES,
  ...CONFIG_CODES,
  ...OPENSTACK_CODES,
  ...ARRAY_CODES,
  ...HYPERVISOR_CODES,
  ...OPERATION_CODES,
  ...POLICY_CODES,
  ...SANDBOX_CODES,
  ...DAEMON_CODES,
} as const;

export type CcsnapErrorCode = keyof typeof ERROR_CODES;

export function isErrorCode(value: string): value is CcsnapErrorCode {
  return Object.hasOwn(ERROR_CODES, value);
}

/** The CLI's exit status for an error of this code: 2 for usage errors, else 1. */
export function exitStatusOf(code: CcsnapErrorCode): number {
  const info: ErrorCodeInfo = ERROR_CODES[code];
  return info.kind === 'usage' ? 2 : 1;
}

/** Environment variables that share the CCSNAP_ prefix: they are not error codes. */
export const CCSNAP_ENVIRONMENT = {
  CCSNAP_CONFIG: 'The ccsnap config file (as --config).',
  CCSNAP_JOURNAL: 'The journal database (as --journal).',
  CCSNAP_SANDBOX_DIR: "The sandbox's state directory.",
  CCSNAP_SANDBOX_URL: 'The sandbox the `sandbox faults` commands talk to (as --url).',
  CCSNAP_SANDBOX_QUIET: "Set to 1 to silence the sandbox's stderr warnings.",
  CCSNAP_ARRAY_API_KEY: "The sandbox array's API key (api_key_env of the sandbox config).",
  CCSNAP_WATCHDOG_LOG: 'Set by ccsnap for its thaw watchdog child: where it logs.',
} as const;
