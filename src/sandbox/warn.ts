/**
 * The sandbox's own complaints (unknown routes, a state file it could not write) go to stderr as one
 * plain line, and are kept for tests; set CCSNAP_SANDBOX_QUIET=1 to silence the stderr line.
 */
export const sandboxWarnings: string[] = [];

export function warnSandbox(message: string): void {
  sandboxWarnings.push(message);
  if (process.env.CCSNAP_SANDBOX_QUIET !== '1') process.stderr.write(`ccsnap sandbox: warning: ${message}\n`);
}
