/** The status page's stylesheet, inlined (no external asset). Late is red and also says "LATE" in text. */
export const STYLE = `
:root { --fg: #1b1f23; --muted: #57606a; --bg: #ffffff; --line: #d0d7de; --late: #a40e26; --late-bg: #ffebe9; --ok: #116329; --ok-bg: #dafbe1; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; color: var(--fg); background: var(--bg); }
header, main, footer { max-width: 1100px; margin: 0 auto; padding: 0 16px; }
header { padding-top: 12px; border-bottom: 1px solid var(--line); }
h1 { font-size: 22px; margin: 8px 0; }
h2 { font-size: 18px; margin: 24px 0 8px; }
h3 { font-size: 16px; margin: 0 0 6px; }
.summary { margin: 4px 0 12px; }
.policy { border: 1px solid var(--line); border-radius: 6px; padding: 12px; margin: 12px 0; }
.policy.has-late { border-left: 6px solid var(--late); }
.facts { display: flex; flex-wrap: wrap; gap: 4px 24px; margin: 0 0 8px; }
.facts div { display: flex; gap: 6px; }
dt { color: var(--muted); }
dd { margin: 0; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; vertical-align: top; padding: 6px 8px; border-top: 1px solid var(--line); }
thead th { border-top: none; color: var(--muted); font-weight: 600; }
tr.late { background: var(--late-bg); }
td.when, td.status, td.age { white-space: nowrap; }
.badge { white-space: nowrap; display: inline-block; padding: 1px 8px; border-radius: 10px; font-weight: 600; font-size: 13px; }
.badge.late { color: #fff; background: var(--late); }
.badge.ok { color: var(--ok); background: var(--ok-bg); }
.code { color: var(--late); font-weight: 600; }
.failures { margin: 0; padding-left: 16px; }
small { color: var(--muted); }
.none { color: var(--muted); font-style: italic; }
.state-missed, .state-failed { color: var(--late); font-weight: 600; }
.chart .plot { fill: #f6f8fa; stroke: var(--line); }
.chart .grid { stroke: var(--line); stroke-dasharray: 2 3; }
.chart .axis { stroke: var(--muted); }
.chart .tick { font-size: 11px; fill: var(--muted); }
.chart .label { font-size: 12px; fill: var(--fg); }
.chart .empty { font-size: 14px; fill: var(--muted); }
.chart .pt { fill: #0969da; fill-opacity: 0.75; stroke: #fff; stroke-width: 1; }
.chart .pt.watchdog { fill: var(--late); fill-opacity: 1; }
.key-watchdog { color: var(--late); }
details { margin-top: 6px; }
summary { cursor: pointer; color: var(--muted); }
figure { margin: 0; }
figcaption { color: var(--muted); font-size: 13px; }
footer { color: var(--muted); font-size: 13px; padding: 24px 16px; }
a { color: #0969da; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
`;
