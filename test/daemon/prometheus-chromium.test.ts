import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDeadline, type Deadline } from '../../src/util/deadline.js';
import { skipWithout } from '../helpers/software.js';
import { dumpDom, screenshot } from './helpers/chromium.js';
import { startPrometheus, type RunningPrometheus } from './helpers/prometheus.js';
import { HAS_CHROMIUM, HAS_PROMETHEUS } from './helpers/software.js';
import { EVIL_NAME, startDaemonStack, type DaemonStack } from './helpers/stack.js';

/** Where the screenshot of the status page is kept for a person to look at (.ci/results is not committed). */
const OUT_DIR = resolve(process.env.DAEMON_SUITE_OUT ?? '.ci/results/daemon');

describe.skipIf(skipWithout(HAS_PROMETHEUS && HAS_CHROMIUM, 'prometheus and chromium (scripts/daemon-suite/setup.sh)'))(
  'the daemon with a real Prometheus and headless Chromium',
  () => {
    let stack: DaemonStack;
    let prom: RunningPrometheus;
    let deadline: Deadline;

    beforeAll(async () => {
      deadline = startDeadline(200_000, undefined, 'daemon suite setup');
      stack = await startDaemonStack();
      prom = await startPrometheus(`127.0.0.1:${stack.server.port}`, deadline.signal);
      await prom.waitForTargetUp(`127.0.0.1:${stack.server.port}`, deadline.signal);
    });

    afterAll(async () => {
      deadline?.clear();
      await prom?.stop();
      await stack?.close();
    });

    it('made the sets the page and the metrics are about (3 complete, 1 failed with a code)', () => {
      const states = stack.outcomes.map((o) => (o.kind === 'result' ? o.result.state : o.kind));
      expect(states.sort()).toEqual(['complete', 'complete', 'complete', 'failed']);
    });

    it('is scraped by Prometheus: PromQL returns the sets, the freeze windows, the array calls and who is late', async () => {
      const signal = startDeadline(60_000, undefined, 'promql').signal;
      const sets = await prom.queryUntil('ccsnap_sets_total', (r) => r.length >= 2, signal);
      const byResult = Object.fromEntries(sets.map((s) => [`${s.metric.result}/${s.metric.consistency}`, s.value]));
      expect(byResult).toEqual({ 'complete/filesystem-consistent': 3, 'failed/none': 1 });
      expect(sets[0]!.metric.job).toBe('ccsnap');

      // The failed create froze its guest too (the array refused inside the window): 4 windows.
      const [windows] = await prom.query('sum(ccsnap_freeze_window_seconds_count)', signal);
      expect(windows!.value).toBe(4);
      const calls = await prom.query('ccsnap_array_call_duration_seconds_count{call="createStorageSnapshot"}', signal);
      expect(calls.reduce((n, s) => n + s.value, 0)).toBeGreaterThanOrEqual(7); // 2+3 members of web-1/db-1, 2 of web-1 again... and the refused one
      const late = await prom.query('ccsnap_instance_late', signal);
      const lateBy = Object.fromEntries(late.map((s) => [`${s.metric.policy}/${s.metric.instance_name}`, s.value]));
      expect(lateBy).toEqual({ 'hourly-web/web-1': 0, [`hourly-web/${EVIL_NAME}`]: 1, 'hourly-web/stopped-1': 1, 'nightly-db/db-1': 0 });
      // Our labels do not collide with the target's `instance` (Prometheus would rename ours exported_instance).
      expect(late.every((s) => s.metric.instance === `127.0.0.1:${stack.server.port}` && !('exported_instance' in s.metric))).toBe(true);
      const ages = await prom.query('ccsnap_newest_good_set_age_seconds', signal);
      expect(ages.map((s) => s.metric.instance_name).sort()).toEqual(['db-1', 'web-1']);
    });

    it('serves a status page that headless Chromium shows: policies, late markers, the failure code, the chart', async () => {
      const failed = stack.outcomes.find((o) => o.kind === 'result' && o.result.state === 'failed');
      const code = failed?.kind === 'result' ? failed.result.error?.code : undefined;
      expect(code).toMatch(/^CCSNAP_[A-Z_]+$/);
      const journalCode = (await stack.sbx.rt.journal().listOperations({ states: ['failed'] }))[0]?.errorCode;
      expect(journalCode).toBe(code);

      const dom = await dumpDom(`${stack.server.url}/`);
      // The page's own markup, as the browser built it: no script ran (the evil name stayed text).
      expect(dom).toContain('<title>ccsnap status — 2 late</title>');
      expect(dom).not.toMatch(/<script/i);
      expect(dom).toContain('&lt;script&gt;document.title="pwned"&lt;/script&gt;evil-1');
      expect(dom.match(/<h3 id="policy-[^"]+">[^<]*/g)?.map((h) => h.replace(/^.*>/, '').trim())).toEqual(['hourly-web', 'nightly-db']);
      const rows = dom.match(/<tr class="(late|ok)">[\s\S]*?<\/tr>/g) ?? [];
      expect(rows).toHaveLength(4);
      const lateRows = rows.filter((r) => r.startsWith('<tr class="late">'));
      expect(lateRows).toHaveLength(2);
      for (const r of lateRows) expect(r).toContain('⚠ LATE');
      expect(lateRows.find((r) => r.includes('evil-1'))).toContain(code!);
      expect(lateRows.find((r) => r.includes('stopped-1'))).toContain('<em>none</em>');
      for (const r of rows.filter((x) => x.startsWith('<tr class="ok">'))) expect(r).toContain('✓ on time');
      const svg = /<svg class="chart"[\s\S]*?<\/svg>/.exec(dom)?.[0] ?? '';
      expect(svg.match(/<circle /g)).toHaveLength(4);
      expect(svg).toContain('time (UTC)');
      expect(svg).toContain('frozen (log scale)');

      mkdirSync(OUT_DIR, { recursive: true });
      const png = join(OUT_DIR, 'status-page.png');
      await screenshot(`${stack.server.url}/`, png);
      expect(readFileSync(png).subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
      expect(statSync(png).size).toBeGreaterThan(20_000);
      console.log(`[daemon suite] status page screenshot: ${png}`);
    });

    it('triggers a policy run through the API and refuses an unknown one', async () => {
      const run = await fetch(`${stack.server.url}/api/v1/policies/hourly-web/run`, { method: 'POST' });
      expect(run.status).toBe(202);
      expect(await run.json()).toMatchObject({ runId: 'hourly-web@manual', policy: 'hourly-web' });
      expect((await fetch(`${stack.server.url}/api/v1/policies/none/run`, { method: 'POST' })).status).toBe(404);
    });
  },
);
