/**
 * Polls a state that announces itself by no event (a lease that runs out by the database server's clock,
 * records other processes write) until `probe` holds; fails naming `what` after `ms`. The interval is only
 * how often to look: nothing is assumed to have happened after any time. The default bound stays inside the
 * pg suite's 120 s test timeout, so a failure names what never happened.
 */
export async function pollUntil(what: string, probe: () => Promise<boolean>, { ms = 100_000, everyMs = 50 } = {}): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
