import type { FailureSummary, FreezeWindow, InstanceStatus, PolicyStatus, RunSummary } from '../view.js';
import { renderFreezeChart } from './chart.js';
import { esc } from './escape.js';
import { formatAge, formatInstant } from './format.js';
import { STYLE } from './style.js';

export interface StatusPageData {
  version: string;
  now: Date;
  policies: PolicyStatus[];
  failures: FailureSummary[];
  freezeWindows: FreezeWindow[];
  guestsFrozen: number;
  /** How far back the chart goes, for its heading. */
  chartHours: number;
}

/** The status page: one self-contained HTML document (inline CSS and SVG, no script, no external asset). */
export function renderStatusPage(d: StatusPageData): string {
  const lateCount = d.policies.reduce((n, p) => n + p.instances.filter((i) => i.late).length, 0);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="refresh" content="30">
<title>ccsnap status${lateCount ? ` — ${lateCount} late` : ''}</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>ccsnap status</h1>
<p class="summary">${summary(d, lateCount)}</p>
</header>
<main>
<section aria-labelledby="policies-h">
<h2 id="policies-h">Policies</h2>
${d.policies.length ? d.policies.map((p) => policySection(p)).join('\n') : '<p class="none">No snapshot policies are configured.</p>'}
</section>
<section aria-labelledby="failures-h">
<h2 id="failures-h">Recent failures</h2>
${failuresTable(d.failures)}
</section>
<section aria-labelledby="chart-h">
<h2 id="chart-h">Freeze windows, last ${esc(d.chartHours)} h</h2>
<figure>${renderFreezeChart(d.freezeWindows, d.now)}
<figcaption>Each point is one snapshot set: when it was taken (x) and how long its guest was frozen (y). <span class="key-watchdog">◆</span> = thawed by the watchdog.</figcaption>
</figure>
</section>
</main>
<footer>ccsnap ${esc(d.version)} · generated ${esc(formatInstant(d.now.toISOString()))} · refreshes every 30 s · <a href="/metrics">metrics</a> · <a href="/api/v1/policies">policies (JSON)</a></footer>
</body>
</html>
`;
}

function summary(d: StatusPageData, lateCount: number): string {
  const instances = d.policies.reduce((n, p) => n + p.instances.length, 0);
  const parts = [
    `${d.policies.length} ${d.policies.length === 1 ? 'policy' : 'policies'}, ${instances} instance${instances === 1 ? '' : 's'} covered`,
    lateCount ? `<strong class="badge late">⚠ LATE: ${lateCount}</strong>` : '<span class="badge ok">✓ none late</span>',
    d.guestsFrozen
      ? `<strong class="badge late">${d.guestsFrozen} guest${d.guestsFrozen === 1 ? '' : 's'} frozen or not confirmed thawed</strong>`
      : 'no guest frozen',
  ];
  return parts.join(' · ');
}

function policySection(p: PolicyStatus): string {
  const late = p.instances.filter((i) => i.late).length;
  return `<article class="policy${late ? ' has-late' : ''}" aria-labelledby="policy-${esc(slug(p.name))}">
<h3 id="policy-${esc(slug(p.name))}">${esc(p.name)} ${late ? `<span class="badge late">⚠ ${late} late</span>` : ''}</h3>
<dl class="facts">
<div><dt>Schedule</dt><dd><code>${esc(p.schedule)}</code> (${esc(p.timezone)})</dd></div>
<div><dt>Next run</dt><dd>${esc(formatInstant(p.nextOccurrence))}</dd></div>
<div><dt>Last run</dt><dd>${lastRun(p.lastRun)}</dd></div>
</dl>
${p.instances.length ? instanceTable(p) : '<p class="none">This policy matches no instance.</p>'}
</article>`;
}

function lastRun(run: RunSummary | null): string {
  if (!run) return 'never';
  const reason = run.reason ? ` — ${esc(run.reason)}` : '';
  return `${esc(formatInstant(run.scheduledAt))}: <span class="state-${esc(run.state)}">${esc(run.state)}</span>${reason}`;
}

/** On-time instances shown open per policy; the rest fold into a <details> (late ones are always shown). */
export const OPEN_ON_TIME_ROWS = 25;

/** Late instances first, then the oldest newest-good-set first: what needs a look is at the top. */
function byUrgency(a: InstanceStatus, b: InstanceStatus): number {
  if (a.late !== b.late) return a.late ? -1 : 1;
  return (b.ageSeconds ?? Infinity) - (a.ageSeconds ?? Infinity) || a.instanceName.localeCompare(b.instanceName);
}

function instanceTable(p: PolicyStatus): string {
  const sorted = [...p.instances].sort(byUrgency);
  const late = sorted.filter((i) => i.late);
  const onTime = sorted.filter((i) => !i.late);
  const open = [...late, ...onTime.slice(0, OPEN_ON_TIME_ROWS)];
  const folded = onTime.slice(OPEN_ON_TIME_ROWS);
  const table = (rows: InstanceStatus[], caption: string): string => `<table>
<caption class="visually-hidden">${esc(caption)}</caption>
<thead><tr><th scope="col">Status</th><th scope="col">Instance</th><th scope="col">Newest good set</th><th scope="col">Age</th><th scope="col">Recent failures</th></tr></thead>
<tbody>
${rows.map(instanceRow).join('\n')}
</tbody>
</table>`;
  const rest = folded.length
    ? `\n<details><summary>${folded.length} more instance${folded.length === 1 ? '' : 's'} on time</summary>\n${table(folded, `More on-time instances of policy ${p.name}`)}\n</details>`
    : '';
  return `${table(open, `Instances of policy ${p.name}, late first`)}${rest}`;
}

function instanceRow(i: InstanceStatus): string {
  const status = i.late ? '<td class="status"><span class="badge late">⚠ LATE</span></td>' : '<td class="status"><span class="badge ok">✓ on time</span></td>';
  const set = i.newestGoodSet
    ? `<code>${esc(i.newestGoodSet.setId)}</code><br><small>${esc(formatInstant(i.newestGoodSet.createdAt))}${i.newestGoodSet.consistency ? `, ${esc(i.newestGoodSet.consistency)}` : ''}</small>`
    : '<em>none</em>';
  const age = i.ageSeconds === null ? '—' : esc(formatAge(i.ageSeconds));
  return `<tr class="${i.late ? 'late' : 'ok'}">${status}<th scope="row">${esc(i.instanceName)}<br><small><code>${esc(i.instanceId)}</code></small></th><td>${set}</td><td class="age">${age}</td><td>${failureList(i.recentFailures)}</td></tr>`;
}

function failureList(failures: FailureSummary[]): string {
  if (!failures.length) return '—';
  return `<ul class="failures">${failures.map((f) => `<li><code class="code">${esc(f.errorCode ?? 'no code')}</code> <small>${esc(formatInstant(f.at))}</small><br><small>${esc(f.message ?? '')}</small></li>`).join('')}</ul>`;
}

function failuresTable(failures: FailureSummary[]): string {
  if (!failures.length) return '<p class="none">No failed operation in the last 7 days.</p>';
  return `<table>
<thead><tr><th scope="col">When</th><th scope="col">Instance</th><th scope="col">Operation</th><th scope="col">Code</th><th scope="col">Message</th></tr></thead>
<tbody>
${failures.map((f) => `<tr><td class="when">${esc(formatInstant(f.at))}</td><th scope="row">${esc(f.instanceName)}</th><td>${esc(f.kind)}</td><td><code class="code">${esc(f.errorCode ?? 'no code')}</code></td><td>${esc(f.message ?? '')}</td></tr>`).join('\n')}
</tbody>
</table>`;
}

function slug(name: string): string {
  return name.replace(/[^A-Za-z0-9_-]/g, '_');
}
