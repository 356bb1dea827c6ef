import { describe, expect, it } from 'vitest';
import { esc } from '../../../src/daemon/page/escape.js';
import { formatAge } from '../../../src/daemon/page/format.js';
import { renderStatusPage, type StatusPageData } from '../../../src/daemon/page/render.js';
import { sampleFailure, samplePolicies, sampleWindows } from './fake-view.js';

const NOW = new Date('2026-11-27T10:30:00.000Z');
const data = (over: Partial<StatusPageData> = {}): StatusPageData => ({
  version: '0.1.0',
  now: NOW,
  policies: samplePolicies(),
  failures: [sampleFailure()],
  freezeWindows: sampleWindows(),
  guestsFrozen: 0,
  chartHours: 24,
  ...over,
});

describe('the status page', () => {
  it('escapes every piece of data: an instance named <script> stays text', () => {
    const html = renderStatusPage(data());
    expect(html).not.toContain('<script');
    expect(html).not.toContain('<b>gone');
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(html).toContain('agent &lt;b&gt;gone&lt;/b&gt;');
  });

  it('marks a late instance with a class and the text LATE, and an on-time one as such', () => {
    const html = renderStatusPage(data());
    const rows = html.match(/<tr class="(late|ok)">.*?<\/tr>/g) ?? [];
    expect(rows).toHaveLength(2);
    const late = rows.find((r) => r.includes('&lt;script&gt;'))!;
    expect(late).toMatch(/^<tr class="late">/);
    expect(late).toContain('⚠ LATE');
    expect(late).toContain('CCSNAP_FREEZE_FAILED');
    const ok = rows.find((r) => r.includes('web-1'))!;
    expect(ok).toContain('✓ on time');
    expect(ok).toContain('29 min 55 s');
    expect(html).toContain('<title>ccsnap status — 1 late</title>');
  });

  it('draws the freeze windows as an inline SVG with axes, labels and one mark per window', () => {
    const html = renderStatusPage(data());
    const svg = /<svg class="chart"[\s\S]*?<\/svg>/.exec(html)?.[0] ?? '';
    expect(svg).toContain('role="img"');
    expect(svg).toContain('time (UTC)');
    expect(svg).toContain('frozen (log scale)');
    expect(svg.match(/class="tick"/g)!.length).toBeGreaterThanOrEqual(8);
    expect(svg.match(/<circle /g)).toHaveLength(1);
    expect(svg.match(/class="pt watchdog"/g)).toHaveLength(1);
    expect(svg).toContain('thawed by the watchdog');
    expect(svg).not.toContain('<script');
  });

  it('is self-contained: no script, no external stylesheet, image or font', () => {
    const html = renderStatusPage(data());
    expect(html).not.toMatch(/<script|<link|<img|@import|url\(|https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
    expect(html).toContain('<meta http-equiv="refresh" content="30">');
  });

  it('says so when there are no policies, failures or freeze windows', () => {
    const html = renderStatusPage(data({ policies: [], failures: [], freezeWindows: [] }));
    expect(html).toContain('No snapshot policies are configured.');
    expect(html).toContain('No failed operation in the last 7 days.');
    expect(html).toContain('no freeze windows yet');
  });
});

describe('page helpers', () => {
  it('escape all five HTML specials', () => {
    expect(esc(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });

  it('format ages with their two largest units', () => {
    expect(formatAge(0)).toBe('0 s');
    expect(formatAge(59.9)).toBe('59 s');
    expect(formatAge(3600)).toBe('1 h');
    expect(formatAge(3 * 86_400 + 4 * 3600 + 59)).toBe('3 d 4 h');
    expect(formatAge(1795)).toBe('29 min 55 s');
  });
});

describe('the status page with many instances', () => {
  it('lists late instances first and folds on-time ones past the first 25 into a details element', () => {
    const [p] = samplePolicies();
    const instances = Array.from({ length: 60 }, (_, i) => ({
      instanceId: `i${i}`,
      instanceName: `vm-${String(i).padStart(2, '0')}`,
      newestGoodSet: null,
      ageSeconds: i * 60,
      late: i % 20 === 7,
      recentFailures: [],
    }));
    const html = renderStatusPage(data({ policies: [{ ...p!, instances }] }));
    const [open, folded] = html.split('<details>');
    const names = (part: string): string[] => [...part.matchAll(/<th scope="row">(vm-\d+)/g)].map((m) => m[1]!);
    expect(names(open!).slice(0, 3)).toEqual(['vm-47', 'vm-27', 'vm-07']);
    expect(names(open!)).toHaveLength(3 + 25);
    expect(names(open!)[3]).toBe('vm-59');
    expect(names(folded!)).toHaveLength(60 - 3 - 25);
    expect(folded).toContain('<summary>32 more instances on time</summary>');
  });
});
