// Preloaded with `node --import` when /usr/bin/time is missing: writes the process's peak RSS (KB) at exit.
import { writeFileSync } from 'node:fs';

process.on('exit', () => {
  const file = process.env.CCSNAP_BENCH_RSS_FILE;
  if (file) writeFileSync(file, String(process.resourceUsage().maxRSS));
});
