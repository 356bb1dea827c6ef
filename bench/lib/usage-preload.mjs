// Preloaded with `node --import`: writes the process's peak RSS (KB) and CPU time (ms) as JSON at exit.
import { writeFileSync } from 'node:fs';

process.on('exit', () => {
  const file = process.env.CCSNAP_BENCH_USAGE_FILE;
  if (!file) return;
  const u = process.resourceUsage();
  writeFileSync(file, JSON.stringify({ maxRssKb: u.maxRSS, cpuMs: Math.round((u.userCPUTime + u.systemCPUTime) / 1000) }));
});
