/**
 * Text renderings of the report: Markdown (export) and a standalone HTML page with inline SVG
 * charts (`intent-complete eval --html`). Pure string building; no scripts in the HTML.
 */
import type { QualityReport, Summary } from './aggregate';
import type { EvalRun, EvalSummary } from './evaluate';
import { dropPlace, type FalseDrop } from './falseDrops';

export const pct = (x: number | null | undefined): string => (x === undefined || x === null ? '–' : `${(x * 100).toFixed(1)}%`);
export const ms = (x: number | null | undefined): string => (x === undefined || x === null ? '–' : `${Math.round(x)} ms`);
const num = (x: number | null | undefined, digits = 2): string => (x === undefined || x === null ? '–' : x.toFixed(digits));

function mdTable(head: string[], rows: string[][]): string {
  const esc = (c: string) => c.replace(/\|/g, '\\|');
  return [`| ${head.map(esc).join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${r.map(esc).join(' | ')} |`)].join('\n');
}

function summaryRows(s: Summary): string[][] {
  const rows: string[][] = [
    ['Requests (keystrokes answered, cache included, cancelled not)', String(s.requests)],
    ['Shown', String(s.shown)],
    ['Accepted', String(s.accepted)],
    ['Dismissed', String(s.dismissed)],
    ['Acceptance rate', pct(s.acceptanceRate)],
    ['Characters accepted', String(s.acceptedChars)],
  ];
  for (const r of s.retention) rows.push([`Accepted and retained after ${r.afterMs / 1000} s`, `${r.retainedChars} of ${r.acceptedChars} chars (${pct(r.rate)})`]);
  rows.push(
    [`Latency p50 / p95 / p99 (${s.latency.count} requests to the model; debounce + pipeline)`, `${ms(s.latency.p50)} / ${ms(s.latency.p95)} / ${ms(s.latency.p99)}`],
    [`Cache-served latency p50 / p95 (${s.cacheLatency.count} suggestion${s.cacheLatency.count === 1 ? '' : 's'})`, `${ms(s.cacheLatency.p50)} / ${ms(s.cacheLatency.p95)}`],
    ['Cache hit rate', pct(s.cacheHitRate)],
    ['Sent to the model (cancelled included)', String(s.networkRequests)],
    ['Sent per shown suggestion', num(s.requestsPerShown)],
    ['Timeouts', String(s.timeouts)],
    [
      'Errors',
      Object.entries(s.errors)
        .map(([k, v]) => `${k}: ${v}`)
        .join(', ') || '0',
    ],
    ['Filter: truncated / dropped (unknown names)', `${s.filter.truncate} / ${s.filter.drop}`],
    ['Shown as checked', String(s.filter.keep)],
    ['Empty answers', String(s.filter.empty)],
    ['Removed by clean-up', String(s.filter.cleanup)],
    ['Model errors (no answer)', String(s.filter.errors)],
  );
  return rows;
}

export const EVAL_COLUMNS: [keyof EvalSummary | 'p50' | 'p95', string][] = [
  ['exactMatch', 'Exact match'],
  ['editSimilarity', 'Edit similarity'],
  ['idExactMatch', 'Identifier EM'],
  ['idF1', 'Identifier F1'],
  ['unknownNameRateBefore', 'Unknown names before filter'],
  ['unknownNameRateAfter', 'Unknown names after filter'],
  ['correctKeptRate', 'Correct kept by filter'],
  ['p50', 'Latency p50'],
  ['p95', 'Latency p95'],
  ['holes', 'Holes'],
];

export function evalCell(s: EvalSummary, key: (typeof EVAL_COLUMNS)[number][0]): string {
  if (key === 'p50' || key === 'p95') return ms(s.latencyMs[key]);
  if (key === 'holes') return String(s.holes);
  if (key === 'model' || key === 'latencyMs') return '';
  return key === 'editSimilarity' || key === 'idF1' ? num(s[key], 3) : pct(s[key]);
}

function evalTable(runs: readonly EvalRun[]): string {
  return mdTable(
    ['Model', ...EVAL_COLUMNS.map(([, t]) => t)],
    runs.map((r) => [r.summary.model, ...EVAL_COLUMNS.map(([k]) => evalCell(r.summary, k))]),
  );
}

export const FALSE_DROPS_TITLE = 'Correct proposals the filter altered (false drops)';

/** A code text in one line of a table or terminal: quoted, line breaks and tabs escaped, never cut. */
export const codeLine = (s: string | undefined): string => (s === undefined ? '(not recorded)' : s === '' ? '(nothing)' : JSON.stringify(s));

/** "N of M correct" for a run's false drops; older runs did not record them. */
export function falseDropsCount(r: Pick<EvalRun, 'falseDrops' | 'counts'>): string {
  return r.falseDrops ? `${r.falseDrops.length} of ${r.counts.correctBefore} correct` : 'not recorded in this run';
}

function falseDropsMarkdown(runs: readonly EvalRun[]): string[] {
  const rows = runs.flatMap((r) => (r.falseDrops ?? []).map((d) => [r.summary.model, dropPlace(d), d.verdict, d.reason, codeLine(d.proposal), codeLine(d.shown)]));
  return [
    `### ${FALSE_DROPS_TITLE}`,
    '',
    runs.map((r) => `${r.summary.model}: ${falseDropsCount(r)}.`).join(' '),
    '',
    ...(rows.length ? [mdTable(['Model', 'Place', 'Verdict', 'Reason', 'Proposal', 'Shown'], rows), ''] : []),
  ];
}

/** The whole report as Markdown. */
export function reportMarkdown(report: QualityReport, evals: readonly EvalRun[] = []): string {
  const out: string[] = ['# Intent Complete: completion quality', ''];
  const span =
    report.from !== undefined && report.to !== undefined
      ? `${new Date(report.from).toISOString().slice(0, 10)} to ${new Date(report.to).toISOString().slice(0, 10)}`
      : 'no events yet';
  out.push(`Generated ${new Date(report.generatedAt).toISOString()}; ${report.events} events, ${span}. Recorded on this machine only.`, '');
  out.push('## Live figures', '', mdTable(['Figure', 'Value'], summaryRows(report.overall)), '');
  const o = report.overall;
  if (o.filter.topUnknown.length)
    out.push(
      '### Most frequent unknown names',
      '',
      mdTable(
        ['Name', 'Suggestions'],
        o.filter.topUnknown.map((n) => [n.name, String(n.count)]),
      ),
      '',
    );
  const breakdown = (title: string, m: Record<string, Summary>) => {
    const keys = Object.keys(m).sort();
    if (!keys.length) return;
    out.push(
      `### ${title}`,
      '',
      mdTable(
        ['', 'Shown', 'Accepted', 'Acceptance', 'p50', 'p95', 'Cache hits', 'Dropped'],
        keys.map((k) => {
          const s = m[k];
          return [k, String(s.shown), String(s.accepted), pct(s.acceptanceRate), ms(s.latency.p50), ms(s.latency.p95), pct(s.cacheHitRate), String(s.filter.drop)];
        }),
      ),
      '',
    );
  };
  breakdown('Per language', report.byLanguage);
  breakdown('Per model', report.byModel);
  if (report.trend.length) {
    out.push(
      '### Trend by day',
      '',
      mdTable(
        ['Day', 'Requests', 'Shown', 'Accepted', 'Acceptance', 'p50'],
        report.trend.map((d) => [d.day, String(d.requests), String(d.shown), String(d.accepted), pct(d.acceptanceRate), ms(d.p50)]),
      ),
      '',
    );
  }
  const e = report.edits;
  out.push('## Edit Selection (Ctrl+I)', '');
  if (e.total === 0) out.push('No edits recorded.', '');
  else
    out.push(
      mdTable(
        ['Figure', 'Value'],
        [
          ['Edits', String(e.total)],
          ['Accepted / rejected / refined / failed', `${e.byOutcome.accepted} / ${e.byOutcome.rejected} / ${e.byOutcome.refined} / ${e.byOutcome.failed}`],
          ['Cancelled (before a proposal; not in the rate or latency)', String(e.byOutcome.cancelled ?? 0)],
          ['Acceptance rate', pct(e.acceptanceRate)],
          ['Latency p50 / p95', `${ms(e.latency.p50)} / ${ms(e.latency.p95)}`],
        ],
      ),
      '',
    );
  out.push('## Replay evaluation on this workspace', '');
  if (evals.length === 0) out.push('Not run yet ("Intent Complete: Evaluate Completion Quality on This Workspace").', '');
  else out.push(evalTable(evals), '', EVAL_NOTE, '', ...falseDropsMarkdown(evals));
  return out.join('\n');
}

export const EVAL_NOTE =
  'Exact match, edit similarity, identifier EM and F1 as CrossCodeEval defines them, of the first line of the ghost text after the filter. ' +
  'Unknown names: share of proposals naming an identifier found in no file of the repository, before and after the consistency filter. ' +
  'Correct kept: share of exactly-correct proposals the filter left intact.';

const escHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** Greedy word wrap to `max` units as `width` measures them; a word wider than a line is broken anywhere. */
export function wrapText(text: string, max: number, width: (s: string) => number): string[] {
  const lines: string[] = [];
  let cur = '';
  for (const word of text.split(/(?<=[\s/\\.,:_-])/)) {
    if (width(cur + word) <= max || cur === '') cur += word;
    else {
      lines.push(cur.trimEnd());
      cur = word.trimStart();
    }
    while (width(cur) > max && cur.length > 1) {
      let n = cur.length - 1;
      while (n > 1 && width(cur.slice(0, n)) > max) n--;
      lines.push(cur.slice(0, n));
      cur = cur.slice(n);
    }
  }
  if (cur !== '' || lines.length === 0) lines.push(cur.trimEnd());
  return lines;
}

/** Width of a label in the static page's chart font (12px): a wide character's, so none overflows. */
const LABEL_CHAR_PX = 7.5;
const labelWidth = (s: string) => s.length * LABEL_CHAR_PX;

/** Horizontal bar chart (values 0..1) as inline SVG; labels wrap onto more lines, never cut. */
export function barsSvg(rows: { label: string; value: number | null }[], width = 520): string {
  const lineH = 14;
  const labelW = 210;
  const barW = width - labelW - 60;
  let y = 2;
  const parts = rows.map((r) => {
    const lines = wrapText(r.label, labelW - 8, labelWidth);
    const rowH = Math.max(22, lines.length * lineH + 8);
    const mid = y + rowH / 2;
    const w = r.value === null ? 0 : Math.max(0, Math.min(1, r.value)) * barW;
    const top = mid - ((lines.length - 1) * lineH) / 2 + 4;
    const label = lines.map((l, i) => `<tspan x="0" y="${top + i * lineH}">${escHtml(l)}</tspan>`).join('');
    const out =
      `<text class="lbl">${label}</text>` +
      `<rect x="${labelW}" y="${mid - 7}" width="${barW}" height="14" class="track"/>` +
      `<rect x="${labelW}" y="${mid - 7}" width="${w.toFixed(1)}" height="14" class="bar"/>` +
      `<text x="${labelW + barW + 6}" y="${mid + 4}" class="val">${r.value === null ? '–' : `${(r.value * 100).toFixed(1)}%`}</text>`;
    y += rowH;
    return out;
  });
  const h = y + 2;
  return `<svg role="img" width="${width}" height="${h}" viewBox="0 0 ${width} ${h}" xmlns="http://www.w3.org/2000/svg">${parts.join('')}</svg>`;
}

function falseDropsHtml(r: EvalRun): string {
  const drops = r.falseDrops ?? [];
  const head = `<h3>${escHtml(FALSE_DROPS_TITLE)}: ${escHtml(falseDropsCount(r))}</h3>`;
  if (!drops.length) return head;
  const code = (s: string | undefined) =>
    s === undefined ? '<span class="muted">not recorded</span>' : s === '' ? '<span class="muted">nothing</span>' : `<code>${escHtml(s)}</code>`;
  const rows = drops
    .map(
      (d: FalseDrop) =>
        `<tr><td>${escHtml(dropPlace(d))}</td><td>${escHtml(d.verdict)}</td><td>${escHtml(d.reason)}</td><td>${code(d.proposal)}</td><td>${code(d.shown)}</td></tr>`,
    )
    .join('');
  return `${head}<table class="drops"><thead><tr><th class="c-place">Place</th><th class="c-verdict">Verdict</th><th class="c-reason">Reason</th><th>Proposal</th><th>Shown</th></tr></thead><tbody>${rows}</tbody></table>`;
}

/** A standalone HTML page of evaluation runs (one per model), with charts. */
export function evalHtml(runs: readonly EvalRun[]): string {
  const sections = runs.map((r) => {
    const s = r.summary;
    const chart = barsSvg([
      { label: 'Exact match', value: s.exactMatch },
      { label: 'Edit similarity', value: s.editSimilarity },
      { label: 'Identifier EM', value: s.idExactMatch },
      { label: 'Identifier F1', value: s.idF1 },
      { label: 'Unknown names before filter', value: s.unknownNameRateBefore },
      { label: 'Unknown names after filter', value: s.unknownNameRateAfter },
      { label: 'Correct kept by filter', value: s.correctKeptRate },
    ]);
    return `<section><h2>${escHtml(s.model)}</h2><p>${s.holes} holes from ${escHtml(r.repo)} (seed ${r.seed}), ${escHtml(new Date(r.at).toISOString())}; latency p50 ${ms(s.latencyMs.p50)}, p95 ${ms(s.latencyMs.p95)}.</p>${chart}${falseDropsHtml(r)}</section>`;
  });
  // One row per figure and a column per model: as narrow as the models compared, at any page width.
  const head = `<th>Figure</th>${runs.map((r) => `<th>${escHtml(r.summary.model)}</th>`).join('')}`;
  const body = EVAL_COLUMNS.map(([k, t]) => `<tr><td>${escHtml(t)}</td>${runs.map((r) => `<td>${escHtml(evalCell(r.summary, k))}</td>`).join('')}</tr>`).join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>Intent Complete: evaluation</title>
<style>
:root { color-scheme: light dark; --fg: #1f2328; --bg: #fff; --muted: #59636e; --bar: #0969da; --track: #d8dee4; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6edf3; --bg: #0d1117; --muted: #9198a1; --bar: #4493f8; --track: #30363d; } }
body { font: 14px system-ui, sans-serif; color: var(--fg); background: var(--bg); margin: 2rem; }
table { border-collapse: collapse; margin: 1rem 0; } th, td { border: 1px solid var(--track); padding: 4px 8px; text-align: right; } th:first-child, td:first-child { text-align: left; }
.lbl, .val { fill: var(--fg); font-size: 12px; } .track { fill: var(--track); } .bar { fill: var(--bar); } p, .muted { color: var(--muted); }
td, th { overflow-wrap: break-word; }
table.drops { table-layout: fixed; width: 100%; } table.drops th, table.drops td { text-align: left; vertical-align: top; white-space: pre-wrap; overflow-wrap: anywhere; }
table.drops .c-place { width: 24%; } table.drops .c-verdict { width: 10%; } table.drops .c-reason { width: 22%; } code { font: 12px ui-monospace, monospace; white-space: pre-wrap; overflow-wrap: anywhere; }
</style></head><body>
<h1>Intent Complete: replay evaluation</h1>
<table><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>
${sections.join('\n')}
<p>${escHtml(EVAL_NOTE)}</p>
</body></html>
`;
}
