// npm run bench  (= npm run build && node bench/run.js [options])
//   --only=freeze,thaw,list,fleet,startup,policy,workers   run some suites (default: all)
//   --quick                                 few runs, small scales; writes bench/results/quick-<ts>.json only
//   --runs=N                                freeze-window runs per configuration (default 30)
//   --full                                  also the seed-style list above 1000 instances (~6 min at 5000, more at 10000)
//   --scales=1000,5000,10000                list suite: these instance counts (default 100,1000,5000,10000; quick 100,1000)
//   --phases                                list suite: also the step-by-step list at every scale (diagnosis)
//   --fleet-runs=N                          fleet create runs per concurrency (default 1)
// Writes bench/results/<timestamp>.json, bench/results/latest.json and bench/results/latest.md, and prints
// the tables. Everything runs on 127.0.0.1 against sandboxes this script starts (and stops).
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { judgeGoals } from './lib/goals.mjs';
import { distFingerprint, machineFacts } from './lib/machine.mjs';
import { renderMarkdown } from './lib/report.mjs';
import { benchFleet } from './suites/fleet.mjs';
import { benchFreeze } from './suites/freeze.mjs';
import { benchPolicy } from './suites/policy.mjs';
import { benchList, defaultModes } from './suites/list.mjs';
import { benchStartup } from './suites/startup.mjs';
import { benchThaw } from './suites/thaw.mjs';
import { benchWorkers } from './suites/workers.mjs';

const RESULTS = fileURLToPath(new URL('./results/', import.meta.url));
const ALL = ['freeze', 'thaw', 'list', 'fleet', 'startup', 'policy', 'workers'];

function parseArgs(argv) {
  const opts = { only: ALL, quick: false, full: false, phases: false, runs: undefined, scales: undefined, fleetRuns: 1 };
  for (const a of argv) {
    if (a === '--quick') opts.quick = true;
    else if (a === '--full') opts.full = true;
    else if (a.startsWith('--only=')) opts.only = a.slice(7).split(',').filter(Boolean);
    else if (a === '--phases') opts.phases = true;
    else if (a.startsWith('--runs=')) opts.runs = Number(a.slice(7));
    else if (a.startsWith('--scales=')) opts.scales = parseScales(a.slice(9));
    else if (a.startsWith('--fleet-runs=')) opts.fleetRuns = Number(a.slice(13));
    else if (a === '--help' || a === '-h') {
      process.stdout.write(`usage: node bench/run.js [--only=${ALL.join(',')}] [--quick] [--full] [--runs=N] [--scales=N,...] [--phases] [--fleet-runs=N]\n`);
      process.exit(0);
    } else throw new Error(`unknown option ${a}`);
  }
  const unknown = opts.only.filter((s) => !ALL.includes(s));
  if (unknown.length) throw new Error(`unknown suite(s): ${unknown.join(', ')}`);
  return opts;
}

function parseScales(text) {
  const scales = text.split(',').filter(Boolean).map(Number);
  if (!scales.length || scales.some((n) => !Number.isInteger(n) || n < 1)) throw new Error(`--scales: positive integers separated by commas, not ${text}`);
  return scales;
}

function suitesFor(opts, log) {
  const q = opts.quick;
  return {
    freeze: () => benchFreeze({ runs: opts.runs ?? (q ? 5 : 30), warmup: q ? 1 : 2, log }),
    thaw: () => benchThaw({ iterations: q ? 5 : 30, log }),
    list: () =>
      benchList({
        ...(opts.scales ? { scales: opts.scales } : q ? { scales: [100, 1000] } : {}),
        modesFor: (n) => withPhases(q ? quickListModes() : defaultModes(n, { full: opts.full }), opts.phases),
        log,
      }),
    fleet: () => benchFleet(q ? { instances: 40, concurrencies: [1, 8], runs: opts.fleetRuns, log } : { runs: opts.fleetRuns, log }),
    startup: () => benchStartup({ runs: q ? 5 : 20, log }),
    policy: () => benchPolicy(q ? { instances: 100, hosts: 10, log } : { rounds: 2, log }),
    workers: () => benchWorkers(q ? { instances: 60, hosts: 10, runs: 1, log } : { log }),
  };
}

function quickListModes() {
  return [
    { mode: 'ccsnap', runs: 1 },
    { mode: 'seed', runs: 1 },
  ];
}

/** `--phases`: the step-by-step list once at every scale (defaultModes has it up to 1000 only). */
function withPhases(modes, phases) {
  return phases && !modes.some((m) => m.mode === 'phases') ? [...modes, { mode: 'phases', runs: 1 }] : modes;
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const started = new Date();
  const t0 = performance.now();
  const log = (msg) => process.stderr.write(`[bench +${Math.round((performance.now() - t0) / 1000)}s] ${msg}\n`);
  const results = {
    startedAt: started.toISOString(),
    options: {
      only: opts.only,
      quick: opts.quick,
      full: opts.full,
      phases: opts.phases,
      runs: opts.runs ?? null,
      scales: opts.scales ?? null,
      fleetRuns: opts.fleetRuns,
    },
    machine: machineFacts(),
    dist: distFingerprint(),
    errors: [],
  };
  const suites = suitesFor(opts, log);
  for (const name of opts.only) {
    try {
      results[name] = await suites[name]();
    } catch (err) {
      log(`${name} failed: ${err.stack ?? err.message}`);
      results.errors.push({ suite: name, message: err.message });
    }
  }
  results.durationMs = Math.round(performance.now() - t0);
  results.machine.loadAverageAtEnd = machineFacts().loadAverage;
  const distAtEnd = distFingerprint();
  if (distAtEnd !== results.dist) {
    results.errors.push({
      suite: 'run',
      message: `dist/ changed during the run (${results.dist} -> ${distAtEnd}): another build replaced the library under test; the suites after that point measured another build. Run again.`,
    });
  }
  results.goals = judgeGoals(results);
  const md = renderMarkdown(results);
  mkdirSync(RESULTS, { recursive: true });
  const stamp = started.toISOString().replace(/[:.]/g, '-');
  const json = `${JSON.stringify(results, null, 2)}\n`;
  if (opts.quick) {
    writeFileSync(`${RESULTS}quick-${stamp}.json`, json);
  } else {
    writeFileSync(`${RESULTS}${stamp}.json`, json);
    if (opts.only.length === ALL.length) {
      writeFileSync(`${RESULTS}latest.json`, json);
      writeFileSync(`${RESULTS}latest.md`, md);
    }
  }
  process.stdout.write(md);
  if (results.errors.length) process.exitCode = 1;
}

await main();
