/**
 * A fault rule: it matches a service ("array", "hypervisor", "agent", "nova", "cinder", "keystone") and
 * optionally a key (the array command, the virsh command, the guest agent's command — freeze, thaw, status,
 * ping, fsinfo —, or a path prefix), and says what to do: add latency, answer an error, hang, or send a
 * non-JSON body. The registry that applies rules is in faults.ts; this is the data shape the control API,
 * `sandbox serve --fault` and tests exchange.
 */
export interface FaultRule {
  service: string;
  /** Array command (e.g. "createStorageSnapshot"), virsh command (e.g. "domfsfreeze"), or path prefix. */
  key?: string;
  /** Optional finer match, e.g. a filesystem id or a domain name. */
  target?: string;
  latencyMs?: number;
  /** Error code to answer with (for the array: HTTP status = errorcode). */
  errorCode?: number;
  errorText?: string;
  /** Never answer (until the client gives up). */
  hang?: boolean;
  /** Answer 200 with this raw, non-JSON body. */
  nonJson?: string;
  /** How many matching requests this rule applies to; absent = all. */
  times?: number;
  /** Skip this many matching requests before applying. */
  after?: number;
}
