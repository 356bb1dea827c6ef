import { afterEach, describe, expect, it } from 'vitest';
import { createDaemonMetrics } from '../../../src/daemon/metrics.js';
import { installMetrics, reportCreateResult, timeArrayCall } from '../../../src/metrics/port.js';
import { fakeView } from './fake-view.js';

const call = () => ({ signal: new AbortController().signal, now: new Date('2026-11-27T10:30:00.000Z') });
let uninstall: (() => void) | undefined;
afterEach(() => uninstall?.());

/** The value of one sample line, e.g. value(text, 'ccsnap_sets_total{result="complete",consistency="offline"}'). */
function value(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('the daemon metrics', () => {
  it('count what the engine and the array clients report through the installed port', async () => {
    const m = createDaemonMetrics({ view: fakeView(), version: '9.9.9', processMetrics: false });
    uninstall = installMetrics(m.port);
    reportCreateResult({ state: 'complete', consistency: 'filesystem-consistent', frozenMs: 30, thawedBy: 'ccsnap' });
    reportCreateResult({ state: 'complete', consistency: 'filesystem-consistent', frozenMs: 12_000, thawedBy: 'watchdog' });
    reportCreateResult({ state: 'failed', consistency: null, frozenMs: null, thawedBy: null });
    await timeArrayCall('ec1', 'createStorageSnapshot', async () => 'ok');
    await expect(
      timeArrayCall('ec1', 'listFileSystem', async () => {
        throw new Error('down');
      }),
    ).rejects.toThrow('down');
    m.port.countOccurrence('hourly-web', 'run');
    m.port.countOccurrence('hourly-web', 'missed');
    const text = await m.render(call());
    expect(value(text, 'ccsnap_sets_total{result="complete",consistency="filesystem-consistent"}')).toBe(2);
    expect(value(text, 'ccsnap_sets_total{result="failed",consistency="none"}')).toBe(1);
    expect(value(text, 'ccsnap_freeze_window_seconds_count')).toBe(2);
    expect(value(text, 'ccsnap_freeze_window_seconds_bucket{le="0.05"}')).toBe(1);
    expect(value(text, 'ccsnap_freeze_window_seconds_bucket{le="10"}')).toBe(1);
    expect(value(text, 'ccsnap_freeze_window_seconds_bucket{le="20"}')).toBe(2);
    expect(value(text, 'ccsnap_watchdog_thaws_total')).toBe(1);
    expect(value(text, 'ccsnap_array_call_duration_seconds_count{array="ec1",call="createStorageSnapshot",outcome="ok"}')).toBe(1);
    expect(value(text, 'ccsnap_array_call_duration_seconds_count{array="ec1",call="listFileSystem",outcome="error"}')).toBe(1);
    expect(value(text, 'ccsnap_occurrences_total{policy="hourly-web",outcome="run"}')).toBe(1);
    expect(value(text, 'ccsnap_occurrences_total{policy="hourly-web",outcome="missed"}')).toBe(1);
    expect(value(text, 'ccsnap_build_info{version="9.9.9"}')).toBe(1);
  });

  it('read ages, lateness, next runs and frozen guests from the view at each scrape (label values escaped)', async () => {
    const m = createDaemonMetrics({ view: fakeView({ guests: 2 }), version: '1', processMetrics: false });
    const text = await m.render(call());
    expect(value(text, 'ccsnap_view_up')).toBe(1);
    expect(value(text, 'ccsnap_guests_frozen')).toBe(2);
    expect(value(text, 'ccsnap_newest_good_set_age_seconds{policy="hourly-web",instance_id="i1",instance_name="web-1"}')).toBe(1795);
    expect(value(text, 'ccsnap_instance_late{policy="hourly-web",instance_id="i1",instance_name="web-1"}')).toBe(0);
    expect(value(text, 'ccsnap_instance_late{policy="hourly-web",instance_id="i3",instance_name="<script>alert(\\"x\\")</script>"}')).toBe(1);
    expect(text).not.toMatch(/ccsnap_newest_good_set_age_seconds\{[^}]*instance_id="i3"/);
    expect(value(text, 'ccsnap_policy_next_occurrence_timestamp_seconds{policy="hourly-web"}')).toBe(Date.parse('2026-11-27T11:00:00.000Z') / 1000);
  });

  it('say view_up 0 and drop the view series when the view cannot be read, still serving the counters', async () => {
    const m = createDaemonMetrics({ view: fakeView({ fail: true }), version: '1', processMetrics: false });
    m.port.countWatchdogThaw();
    const text = await m.render(call());
    expect(value(text, 'ccsnap_view_up')).toBe(0);
    expect(text).not.toContain('ccsnap_instance_late{');
    expect(value(text, 'ccsnap_watchdog_thaws_total')).toBe(1);
  });

  it('cost nothing and report nothing with no port installed', async () => {
    const m = createDaemonMetrics({ view: fakeView(), version: '1', processMetrics: false });
    reportCreateResult({ state: 'complete', consistency: 'offline', frozenMs: 5, thawedBy: null });
    const text = await m.render(call());
    expect(text).not.toContain('consistency="offline"');
  });

  it('never let a failing port reach the caller', async () => {
    uninstall = installMetrics({
      observeFreezeWindow: () => {
        throw new Error('x');
      },
      observeArrayCall: () => {
        throw new Error('x');
      },
      countSet: () => {
        throw new Error('x');
      },
      countWatchdogThaw: () => {
        throw new Error('x');
      },
      countOccurrence: () => {
        throw new Error('x');
      },
    });
    expect(() => reportCreateResult({ state: 'complete', consistency: 'offline', frozenMs: 5, thawedBy: null })).not.toThrow();
    await expect(timeArrayCall('ec1', 'x', async () => 7)).resolves.toBe(7);
  });
});
