// The daemon's HTTP face as its own process, for bench/daemon.mjs: a journal-backed view over JOURNAL with two
// policies covering INSTANCES instances (ids inst-0000…), on 127.0.0.1:0. Prints "URL <url>"; stops on SIGTERM.
import { createJournalView, startDaemonHttp } from '../../dist/daemon/index.js';
import { openJournal } from '../../dist/journal/index.js';

const [journalPath, count] = process.argv.slice(2);
const journal = openJournal(journalPath);
const instances = Array.from({ length: Number(count) }, (_, i) => ({ id: `inst-${String(i).padStart(4, '0')}`, name: `web-${i}` }));
const hour = 3_600_000;
const policy = (name, schedule, everyMs) => ({
  name,
  schedule,
  timezone: 'Europe/Berlin',
  instances,
  previousOccurrence: new Date(Math.floor(Date.now() / everyMs) * everyMs).toISOString(),
  nextOccurrence: new Date(Math.floor(Date.now() / everyMs) * everyMs + everyMs).toISOString(),
  lastDueOccurrence: new Date(Math.floor(Date.now() / everyMs) * everyMs - everyMs).toISOString(),
  lastRun: null,
});
const policies = [policy('hourly-all', '0 * * * *', hour), policy('daily-all', '0 2 * * *', 24 * hour)];
const view = createJournalView({ journal, policies: { list: async () => policies, trigger: async () => undefined } });
const http = await startDaemonHttp({ view, version: 'bench', listen: '127.0.0.1:0' });
process.stdout.write(`URL ${http.server.url}\n`);
process.on('SIGTERM', () => {
  void http.close().then(() => {
    journal.close();
    process.exit(0);
  });
});
