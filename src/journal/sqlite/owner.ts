import { hostname } from 'node:os';
import { isProcessAlive } from '../../util/process-alive.js';

/** This journal instance as an owner: its id and the process it runs in. */
export interface Owner {
  id: string;
  pid: number;
  hostname: string;
}

/** SQLite's rule for `ownerAlive`: on this machine, whether the pid lives; on another, unknown (null); nobody: null. */
export function ownerAlive(pid: number | null, host: string | null): boolean | null {
  if (pid === null || host === null || host !== hostname()) return null;
  return isProcessAlive(pid);
}
